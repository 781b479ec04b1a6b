/**
 * What Elasticsearch stores per article, and the one bulk operation that writes it: a scripted
 * upsert that implements the merge policy of deduplication (issue 4). Every sighting of an
 * article — on any page, from any worker — becomes one `update` of the document whose `_id` is
 * the article id from the near-duplicate index; the script keeps the fullest version and records
 * the sighting, so there is never a second document and never a lost or doubled sighting.
 */
import type { BulkUpdateAction, BulkUpdateOperation } from '@elastic/elasticsearch/lib/api/types';
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
type ArticleVersion = Pick<
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

/** Times a conflicting concurrent update of the same article is retried inside Elasticsearch. */
const RETRY_ON_CONFLICT = 10;

/**
 * The merge policy. Constant source: Elasticsearch compiles it once and caches it, whatever the
 * params. Runs on an empty `_source` the first time (scripted_upsert) and builds the document.
 * ISO 8601 UTC strings of the same shape compare in time order, so min/max are string compares.
 */
const MERGE_SCRIPT = `
def doc = ctx._source;
def version = params.version;
def seen = params.sighting;
if (doc.sightingKeys == null) {
  doc.putAll(version);
  doc.sightings = [seen];
  doc.sightingKeys = [params.sightingKey];
  doc.sightingCount = 1;
  doc.duplicateCount = 0;
  doc.sources = seen.source == null ? [] : [seen.source];
  doc.firstSeen = seen.seenAt;
  doc.lastSeen = seen.seenAt;
  return;
}
if (doc.sightingKeys.contains(params.sightingKey)) {
  ctx.op = 'noop';
  return;
}
doc.sightings.add(seen);
doc.sightingKeys.add(params.sightingKey);
doc.sightingCount = doc.sightings.size();
doc.duplicateCount = doc.sightingCount - 1;
if (seen.source != null && !doc.sources.contains(seen.source)) doc.sources.add(seen.source);
if (seen.seenAt.compareTo(doc.firstSeen) < 0) doc.firstSeen = seen.seenAt;
if (seen.seenAt.compareTo(doc.lastSeen) > 0) doc.lastSeen = seen.seenAt;
if (version.capturedAt.compareTo(doc.capturedAt) < 0) doc.capturedAt = version.capturedAt;
if (version.wordCount > doc.wordCount) {
  for (String field : ['body', 'wordCount', 'fingerprint', 'title', 'lead', 'source', 'language']) {
    if (version[field] != null && version[field] != '') doc[field] = version[field];
  }
}
for (String field : ['published', 'publishedAt']) {
  if (doc[field] == null) doc[field] = version[field];
}
doc.timestamp = doc.publishedAt != null ? doc.publishedAt : doc.capturedAt;
`;

export type ArticleUpsert = [
  { update: BulkUpdateOperation },
  BulkUpdateAction<Partial<ArticleDocument>, never>,
];

/**
 * ONE bulk `update` operation recording `sighting` of the article `articleId`: creates the
 * document the first time, else keeps the fullest body (most words; a tie keeps the existing
 * one) and adds the sighting unless its (fileHash, articleIndex) is already recorded, so a
 * retried operation changes nothing. The target index is the bulk request's `index`.
 */
export function toBulkUpsert(
  articleId: string,
  article: Article,
  sighting: Sighting,
  capturedAt: Date,
): ArticleUpsert {
  const captured = capturedAt.toISOString();
  const version: ArticleVersion = {
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
  };
  const seen: Sighting = { ...sighting, seenAt: new Date(sighting.seenAt).toISOString() };
  return [
    { update: { _id: articleId, retry_on_conflict: RETRY_ON_CONFLICT } },
    {
      script: {
        source: MERGE_SCRIPT,
        lang: 'painless',
        params: { version, sighting: seen, sightingKey: `${sighting.fileHash}:${sighting.articleIndex}` },
      },
      scripted_upsert: true,
      upsert: {},
    },
  ];
}
