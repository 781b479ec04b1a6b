/**
 * The index stage: reads the article id its dedupe child claimed and records the sighting on
 * the document with that id (a new document, or one more sighting merged into the existing one)
 * through the process's shared bulk batcher. The job completes only once Elasticsearch
 * acknowledged the document.
 */
import type { Client } from '@elastic/elasticsearch';
import type { Job } from 'bullmq';
import type { ArticleDocument } from '../../lib/article-document.ts';
import { SluiceError } from '../../lib/errors.ts';
import { jobProcessor } from '../../lib/job-errors.ts';
import { type DedupeResult, type IndexResult, parseJobData } from '../../lib/queues.ts';
import { type SightingProposal, toSightingProposal } from './article-document.ts';
import { BulkBatcher, type BulkBatcherOptions } from './bulk-batcher.ts';
import { mergeSighting } from './merge-sighting.ts';

export type ArticleBatcher = BulkBatcher<SightingProposal, ArticleDocument>;

/** The bulk batcher of the index stage: one document per article, each sighting merged into it. */
export function articleBatcher(
  client: Client,
  options: Omit<BulkBatcherOptions<SightingProposal, ArticleDocument>, 'idOf' | 'merge'>,
): ArticleBatcher {
  return new BulkBatcher(client, {
    ...options,
    idOf: (proposal) => proposal.articleId,
    merge: mergeSighting,
  });
}

export function indexProcessor(batcher: Pick<ArticleBatcher, 'submit'>) {
  return jobProcessor(async (job: Job): Promise<IndexResult> => {
    const { file, articleIndex, article, exactFingerprint } = parseJobData('index', job.data);
    const claim = await claimOf(job);
    const sighting = {
      file: file.fileName,
      fileHash: file.fileHash,
      articleIndex,
      source: article.source,
      seenAt: file.capturedAt,
    };
    // A new claim usually means no document yet: the batcher then skips reading it.
    const ack = await batcher.submit(
      toSightingProposal(
        { articleId: claim.articleId, exactFingerprint },
        article,
        sighting,
        new Date(file.capturedAt),
      ),
      { likelyNew: claim.isNew },
    );
    return { ...claim, articleIndex, created: ack.result === 'created' };
  });
}

/** The dedupe child's answer; its failure (kept as an ignored dependency) fails this article. */
async function claimOf(job: Job): Promise<DedupeResult> {
  const [failure] = Object.values(await job.getIgnoredChildrenFailures());
  if (failure !== undefined) throw new SluiceError('DEDUPE_FAILED', `Dedupe gave up: ${failure}`);
  const [claim] = Object.values(await job.getChildrenValues<DedupeResult>());
  if (!claim)
    throw new SluiceError('DEDUPE_MISSING', 'The dedupe child left no article id', { retryable: true });
  return claim;
}
