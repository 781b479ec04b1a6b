/**
 * The index stage: reads the article id its dedupe child claimed and upserts the article under
 * that id (a new document, or one more sighting merged into the existing one) through the
 * shared bulk batcher. The job completes only once Elasticsearch acknowledged the operation.
 */
import type { Job } from 'bullmq';
import { SluiceError } from '../../lib/errors.ts';
import { type DedupeResult, type IndexResult, parseJobData } from '../../lib/queues.ts';
import { toJobError } from '../job-errors.ts';
import { toBulkUpsert } from './article-document.ts';
import type { BulkBatcher } from './bulk-batcher.ts';

export function indexProcessor(batcher: Pick<BulkBatcher, 'submit'>) {
  return async (job: Job): Promise<IndexResult> => {
    try {
      const { file, articleIndex, article } = parseJobData('index', job.data);
      const claim = await claimOf(job);
      const sighting = {
        file: file.fileName,
        fileHash: file.fileHash,
        articleIndex,
        source: article.source,
        seenAt: file.capturedAt,
      };
      const ack = await batcher.submit(
        toBulkUpsert(claim.articleId, article, sighting, new Date(file.capturedAt)),
      );
      return { ...claim, articleIndex, created: ack.result === 'created' };
    } catch (error) {
      throw toJobError(error);
    }
  };
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
