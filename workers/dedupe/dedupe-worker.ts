/**
 * The dedupe stage: claims one article's fingerprint in the shared near-duplicate index. The
 * claim is atomic and idempotent, so concurrent workers and retries agree on the article id.
 */
import type { Job } from 'bullmq';
import { jobProcessor } from '../../lib/job-errors.ts';
import { type DedupeResult, parseJobData } from '../../lib/queues.ts';
import type { ArticleFingerprint } from './fingerprint.ts';
import type { NearDuplicateIndex } from './near-duplicate-index.ts';

export function dedupeProcessor(index: Pick<NearDuplicateIndex, 'claim'>) {
  return jobProcessor(async (job: Job): Promise<DedupeResult> => {
    const { fingerprint } = parseJobData('dedupe', job.data);
    const { articleId, isNew } = await index.claim(fingerprint as unknown as ArticleFingerprint);
    return { articleId, isNew };
  });
}
