/**
 * The finalize stage: runs once every article of a file was indexed (or gave up), then settles
 * the file: done/ when all its articles are in, failed/ with the first failure otherwise.
 */
import type { Job } from 'bullmq';
import type { FileLedger } from '../../lib/file-ledger.ts';
import { type FileOutcome, settleFile } from '../../lib/inbox.ts';
import { failureFromReason, jobProcessor, queueOfJobKey, settleIfGivenUp } from '../../lib/job-errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { type IndexResult, parseJobData } from '../../lib/queues.ts';

export interface FinalizeStage {
  ledger: FileLedger;
  logger: Logger;
  /** Told about every settled file (for metrics). */
  onSettled?: (outcome: FileOutcome) => void;
}

export function finalizeProcessor(stage: FinalizeStage) {
  return jobProcessor(
    async (job: Job): Promise<FileOutcome> => {
      const { file, articles } = parseJobData('finalize', job.data);
      const indexed = Object.values(await job.getChildrenValues<IndexResult>());
      const failures = Object.entries(await job.getIgnoredChildrenFailures());
      const counts = { articles, newArticles: indexed.filter((result) => result.created).length };
      let outcome: FileOutcome = { status: 'done', ...counts };
      const [firstFailure] = failures;
      if (firstFailure) {
        const [jobKey, reason] = firstFailure;
        const failure = failureFromReason(reason, queueOfJobKey(jobKey));
        failure.message = `${failures.length} of ${articles} articles failed; first: ${failure.message}`;
        outcome = { status: 'failed', failure, ...counts };
      }
      await settleFile(stage.ledger, file, outcome);
      stage.onSettled?.(outcome);
      const log = stage.logger.child({ file: file.fileName, jobId: job.id, ...counts });
      if (outcome.status === 'done') log.info('File indexed.');
      else log.warn({ code: outcome.failure.code }, `File failed: ${outcome.failure.message}`);
      return outcome;
    },
    async (job, error) => {
      const data = parseJobData('finalize', job.data, { orNull: true });
      // Out of retries (done/ not writable, say): report the file in failed/ instead of leaving
      // it pending for ever. If failed/ cannot be written either, it stays in the inbox.
      await settleIfGivenUp(stage, job, error, data?.file ?? null, 'finalize');
    },
  );
}
