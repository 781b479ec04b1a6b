/**
 * The article: what extraction produces, deduplication fingerprints and indexing stores.
 * Producers and workers both speak it, so it lives here.
 */
export interface Article {
  title: string;
  /** Standfirst/summary paragraph when the page has one, else null. */
  lead: string | null;
  /** Clean body text; paragraphs separated by one blank line. */
  body: string;
  /** Outlet named on the page ("Time of India"), else null. */
  source: string | null;
  /** Publish time as the page wrote it ("2 hours ago", "July 26, 2025"), else null. */
  published: string | null;
  /** `published` resolved to ISO 8601 (relative times against the capture time), else null. */
  publishedAt: string | null;
  /** True for the page's main article; exactly one per page that has any. */
  primary: boolean;
  /** ISO 639-1 code when detected, else null. */
  language: string | null;
  wordCount: number;
}
