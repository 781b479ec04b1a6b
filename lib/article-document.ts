/**
 * What Elasticsearch stores per article: the fullest version of the article seen, and every
 * sighting of it. The index stage writes it (workers/index/), the index template maps it
 * (infra/elasticsearch/article-index.ts, one mapping per field, kept in step by the type system),
 * and search and the audit read it.
 */
import type { Article } from './article.ts';

/** One appearance of an article: which file, where in it, and when the pipeline saw it. */
export interface Sighting {
  /** Path of the input file as the producer named it. */
  file: string;
  /** Content hash of the input file; with articleIndex, identifies the sighting. */
  fileHash: string;
  /** Position of the article among the file's articles, from 0. */
  articleIndex: number;
  /** Outlet named on that page, or null. */
  source: string | null;
  /** When the pipeline processed it, ISO 8601. */
  seenAt: string;
}

/** The version-dependent fields: what one sighting proposes as the article's content. */
export type ArticleVersion = Omit<Article, 'primary'> & {
  /** Earliest capture time of any sighting, ISO 8601. */
  capturedAt: string;
  /** publishedAt ?? capturedAt: Kibana's time field. */
  timestamp: string;
  /** Exact fingerprint of `body`, 24 hex digits. */
  fingerprint: string;
  /**
   * The LSH band values of `body`, 16 hex digits each (workers/dedupe/near-duplicate-index.ts):
   * how the dedupe stage finds the article here once Redis has forgotten it (issue 15).
   * Absent on documents indexed before.
   */
  bandKeys?: string[];
  /** The near-duplicate signature of `body`, base64 (workers/dedupe/signature.ts); with bandKeys. */
  signature?: string;
};

/** The Elasticsearch document of one article: the fullest version seen (most body words), and its sightings. */
export interface ArticleDocument extends ArticleVersion {
  /** Every sighting, in arrival order. */
  sightings: Sighting[];
  /** `${fileHash}:${articleIndex}` of every sighting, so a retried operation is not recorded twice. */
  sightingKeys: string[];
  /** Number of sightings. */
  sightingCount: number;
  /** Sightings beyond the first: how many duplicates were merged into this article. */
  duplicateCount: number;
  /** Distinct outlets across sightings. */
  sources: string[];
  /** Earliest and latest `seenAt` over the sightings. */
  firstSeen: string;
  lastSeen: string;
  /** The exact fingerprint of every version merged into the article (absent on documents indexed before). */
  exactKeys?: string[];
}

/**
 * The lasting record of one article, as the dedupe stage reads it from its document when Redis
 * has no candidate: `_id`, the exact fingerprints and the fullest version's band keys and signature.
 */
export interface LastingRecord {
  articleId: string;
  exactKeys: string[];
  bandKeys: string[];
  /** base64, as the document holds it. */
  signature: string;
}

/** Looks up, in one request, the documents that have any of these exact or band keys. */
export type LastingRecordLookup = (keys: {
  exactKeys: string[];
  bandKeys: string[];
}) => Promise<LastingRecord[]>;
