/**
 * The index stage: records each article of a file as a sighting on the document with its
 * claimed id (a new document, or one more sighting merged into the existing one) through the
 * process's shared bulk batcher, and reports what happened to each. It returns only once
 * Elasticsearch acknowledged, or refused for good, every article.
 */
import type { Client } from '@elastic/elasticsearch';
import type { Article } from '../../lib/article.ts';
import type { ArticleDocument } from '../../lib/article-document.ts';
import { asSluiceError } from '../../lib/errors.ts';
import type { FileRef } from '../../lib/queues.ts';
import { type ArticleIdentity, type DocumentChange, toSightingProposal } from './article-document.ts';
import { type BulkAck, BulkBatcher, type BulkBatcherOptions } from './bulk-batcher.ts';
import { applyChange } from './merge-sighting.ts';

export type ArticleBatcher = BulkBatcher<DocumentChange, ArticleDocument>;

/**
 * The bulk batcher of the index stage: one document per article, each sighting merged into it
 * (or taken back from it).
 */
export function articleBatcher(
  client: Client,
  options: Omit<BulkBatcherOptions<DocumentChange, ArticleDocument>, 'idOf' | 'merge'>,
): ArticleBatcher {
  return new BulkBatcher(client, {
    ...options,
    idOf: (change) => change.articleId,
    merge: applyChange,
  });
}

/** An article's identity, with the dedupe claim's hint that its document is new. */
export interface ClaimedArticle extends ArticleIdentity {
  isNew: boolean;
}

/** What indexing did with one article: created or merged, or refused for good (with why). */
export type ArticleIndexResult = { created: boolean } | { failure: { code: string; message: string } };

/**
 * Indexes the articles of `file` under their claims (same order). A refusal that a retry cannot
 * change (a rejected document) is that article's result; anything a retry may fix (Elasticsearch
 * away) is thrown once every article has settled, so the job is retried — the sightings already
 * recorded are recorded once, whatever the retries.
 */
export async function indexArticles(
  batcher: Pick<ArticleBatcher, 'submit'>,
  file: FileRef,
  articles: readonly Article[],
  claims: readonly ClaimedArticle[],
): Promise<ArticleIndexResult[]> {
  return settleAll(
    articles.map((article, articleIndex) => {
      const claim = claims[articleIndex] as ClaimedArticle;
      const sighting = {
        file: file.fileName,
        fileHash: file.fileHash,
        articleIndex,
        source: article.source,
        seenAt: file.capturedAt,
      };
      // A new claim usually means no document yet: the batcher then skips reading it.
      return batcher.submit(toSightingProposal(claim, article, sighting, new Date(file.capturedAt)), {
        likelyNew: claim.isNew,
      });
    }),
    (ack) => ({ created: ack.result === 'created' }),
  );
}

/**
 * Takes back the sightings `indexArticles` recorded for the articles of content `fileHash`
 * (`articleIds[i]`: the document of article i), once that content was superseded. Reports for
 * each article whether its document is gone (the sighting was its only one); throws as
 * `indexArticles` does when a retry may help.
 */
export async function retractArticles(
  batcher: Pick<ArticleBatcher, 'submit'>,
  fileHash: string,
  articleIds: readonly string[],
): Promise<Array<{ deleted: boolean } | { failure: { code: string; message: string } }>> {
  return settleAll(
    articleIds.map((articleId, articleIndex) =>
      batcher.submit({ articleId, retractKey: `${fileHash}:${articleIndex}` }),
    ),
    (ack) => ({ deleted: ack.result === 'deleted' }),
  );
}

/** Each write's result, or its refusal; the first failure a retry may fix is thrown once all settled. */
async function settleAll<T>(
  writes: Promise<BulkAck>[],
  done: (ack: BulkAck) => T,
): Promise<Array<T | { failure: { code: string; message: string } }>> {
  const settled = await Promise.allSettled(writes);
  const retryable = settled.find(
    (result) => result.status === 'rejected' && asSluiceError(result.reason).retryable,
  );
  if (retryable?.status === 'rejected') throw retryable.reason;
  return settled.map((result) =>
    result.status === 'fulfilled'
      ? done(result.value)
      : {
          failure: { code: asSluiceError(result.reason).code, message: asSluiceError(result.reason).message },
        },
  );
}
