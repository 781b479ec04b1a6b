/**
 * What one sighting of an article proposes to its document (lib/article-document.ts). Every
 * sighting of an article — on any page, from any worker — becomes one proposal for the document
 * whose `_id` is the article id from the near-duplicate index; the merge policy
 * (merge-sighting.ts) turns the stored document and a proposal into the next document, and the
 * bulk batcher writes it with optimistic concurrency (issue 4).
 */
import type { Article } from '../../lib/article.ts';
import type { ArticleVersion, Sighting } from '../../lib/article-document.ts';

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
 * Takes one sighting back from its document: the content it was seen in was superseded (a file
 * still being written when it was read), so nothing indexed from it may stay.
 */
export interface SightingRetraction {
  articleId: string;
  /** `${fileHash}:${articleIndex}` of the sighting to remove. */
  retractKey: string;
}

/** What the index stage sends its documents: a sighting to record, or one to take back. */
export type DocumentChange = SightingProposal | SightingRetraction;

/** Which document an article belongs to, as the dedupe stage and the extract fingerprint name it. */
export interface ArticleIdentity {
  /** The id the near-duplicate index claimed: the document's `_id`. */
  articleId: string;
  /** The body's exact fingerprint, 24 hex digits. */
  exactFingerprint: string;
  /** The body's band keys and signature, kept on the document as the lasting record (lib/article-document.ts). */
  bandKeys?: string[];
  signature?: string;
}

/**
 * What recording `sighting` of the article proposes. Times are normalised to ISO 8601 UTC, whose
 * strings compare in time order, so the merge policy compares them as strings.
 */
export function toSightingProposal(
  { articleId, exactFingerprint, bandKeys, signature }: ArticleIdentity,
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
      fingerprint: exactFingerprint,
      ...(bandKeys && signature ? { bandKeys, signature } : {}),
    },
    sighting: { ...sighting, seenAt: new Date(sighting.seenAt).toISOString() },
    sightingKey: `${sighting.fileHash}:${sighting.articleIndex}`,
  };
}
