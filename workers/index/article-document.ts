/**
 * What Elasticsearch stores per article, and what one sighting of an article proposes to it.
 * Every sighting of an article — on any page, from any worker — becomes one proposal for the
 * document whose `_id` is the article id from the near-duplicate index; the merge policy
 * (merge-sighting.ts) turns the stored document and a proposal into the next document, and the
 * bulk batcher writes it with optimistic concurrency (issue 4).
 */
import type { Article } from '../../lib/article.ts';
import { exactFingerprint } from '../dedupe/fingerprint.ts';

/** One appearance of an article: which file, where in it, and when the pipeline saw it. */
export interface Sighting {
  /** Path of the input file as the producer named it (keyword). */
  file: string;
  /** Content hash of the input file (keyword); with articleIndex, identifies the sighting. */
  fileHash: string;
  /** Position of the article among the file's articles, from 0 (integer). */
  articleIndex: number;
  /** Outlet named on that page (keyword), or null. */
  source: string | null;
  /** When the pipeline processed it, ISO 8601 (date). */
  seenAt: string;
}

/** The Elasticsearch document of one article (mapping intent in brackets). */
export interface ArticleDocument {
  /** Title of the fullest version seen (text, with a keyword sub-field for sorting/aggregations). */
  title: string;
  /** Standfirst of the fullest version, or null (text). */
  lead: string | null;
  /** The fullest clean body seen: the version with most words (text). */
  body: string;
  /** Outlet named with the fullest version, else the first one named (keyword). */
  source: string | null;
  /** Publish time as the page wrote it (keyword, not indexed as a date: "2 hours ago"). */
  published: string | null;
  /** `published` resolved, ISO 8601, or null (date). */
  publishedAt: string | null;
  /** Earliest capture time of any sighting, ISO 8601 (date). */
  capturedAt: string;
  /** publishedAt ?? capturedAt: Kibana's time field (date). */
  timestamp: string;
  /** ISO 639-1 code of the fullest version, or null (keyword). */
  language: string | null;
  /** Words in `body` (integer). */
  wordCount: number;
  /** Exact fingerprint of `body`, 24 hex digits (keyword). */
  fingerprint: string;
  /** Every sighting, in arrival order (nested: file, fileHash keyword; articleIndex integer; source keyword; seenAt date). */
  sightings: Sighting[];
  /** `${fileHash}:${articleIndex}` of every sighting, so a retried operation is not recorded twice (keyword). */
  sightingKeys: string[];
  /** Number of sightings (integer). */
  sightingCount: number;
  /** Sightings beyond the first: how many duplicates were merged into this article (integer). */
  duplicateCount: number;
  /** Distinct outlets across sightings (keyword array). */
  sources: string[];
  /** Earliest and latest `seenAt` over the sightings (date). */
  firstSeen: string;
  lastSeen: string;
}

/** The version-dependent fields: what one sighting proposes as the article's content. */
export type ArticleVersion = Pick<
  ArticleDocument,
  | 'title'
  | 'lead'
  | 'body'
  | 'source'
  | 'published'
  | 'publishedAt'
  | 'capturedAt'
  | 'timestamp'
  | 'language'
  | 'wordCount'
  | 'fingerprint'
>;

/** One sighting of an article, as the merge policy takes it. */
export interface SightingProposal {
  /** `_id` of the article's document: the id the near-duplicate index claimed. */
  articleId: string;
  /** The article as this page shows it. */
  version: ArticleVersion;
  /** Where and when it was seen, `seenAt` in ISO 8601 UTC. */
  sighting: Sighting;
  /** `${fileHash}:${articleIndex}`: identifies the sighting, so a retry is recorded once. */
  sightingKey: string;
}

/**
 * What recording `sighting` of the article `articleId` proposes. Times are normalised to ISO 8601
 * UTC, whose strings compare in time order, so the merge policy compares them as strings.
 */
export function toSightingProposal(
  articleId: string,
  article: Article,
  sighting: Sighting,
  capturedAt: Date,
): SightingProposal {
  const captured = capturedAt.toISOString();
  return {
    articleId,
    version: {
      title: article.title,
      lead: article.lead,
      body: article.body,
      source: article.source ?? sighting.source,
      published: article.published,
      publishedAt: article.publishedAt,
      capturedAt: captured,
      timestamp: article.publishedAt ?? captured,
      language: article.language,
      wordCount: article.wordCount,
      fingerprint: exactFingerprint(article.body),
    },
    sighting: { ...sighting, seenAt: new Date(sighting.seenAt).toISOString() },
    sightingKey: `${sighting.fileHash}:${sighting.articleIndex}`,
  };
}
