/**
 * The BullMQ flow the pipeline adds for one extracted file: a `finalize` parent with one `index`
 * child per article, each with one `dedupe` child. Children run before their parent, so an
 * article is claimed, then indexed, and the file is finalized once all its articles are in.
 *
 * Ids come from the file's hash and run, so re-adding the flow after a crash is a no-op for the
 * jobs that exist. A child that fails for good is recorded as an ignored failure of its parent
 * (`ignoreDependencyOnFailure`) instead of leaving the parent waiting forever: the parent runs
 * and decides (the index job gives up on its article, finalize moves the file to failed/).
 */
import type { DefaultJobOptions, FlowJob } from 'bullmq';
import type { Article } from '../lib/article.ts';
import { jobName } from '../lib/job-names.ts';
import {
  type DedupeJob,
  type FileRef,
  type FinalizeJob,
  type IndexJob,
  jobIds,
  QUEUE_NAMES,
} from '../lib/queues.ts';
import { fingerprintArticle } from './dedupe/fingerprint.ts';

/**
 * The flow of one file's articles. Each article is fingerprinted here, once: the dedupe job
 * carries the fingerprint (not the body), the index job the article with its exact hash.
 */
export function buildFileFlow(
  file: FileRef,
  articles: readonly Article[],
  policy: DefaultJobOptions,
): FlowJob {
  const finalize: FinalizeJob = { file, articles: articles.length };
  return {
    name: jobName(file),
    queueName: QUEUE_NAMES.finalize,
    data: finalize,
    opts: { ...policy, jobId: jobIds.finalize(file) },
    children: articles.map((article, articleIndex) => {
      const fingerprint = fingerprintArticle(article);
      const index: IndexJob = { file, articleIndex, article, exactFingerprint: fingerprint.exact };
      const dedupe: DedupeJob = { fingerprint: { ...fingerprint } };
      return {
        name: jobName(file, articleIndex),
        queueName: QUEUE_NAMES.index,
        data: index,
        opts: { ...policy, jobId: jobIds.index(file, articleIndex), ignoreDependencyOnFailure: true },
        children: [
          {
            name: jobName(file, articleIndex),
            queueName: QUEUE_NAMES.dedupe,
            data: dedupe,
            opts: { ...policy, jobId: jobIds.dedupe(file, articleIndex), ignoreDependencyOnFailure: true },
          },
        ],
      };
    }),
  };
}
