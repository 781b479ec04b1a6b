/**
 * A file whose stage job BullMQ will not run again is settled as failed (failed/ with its error
 * report) so it never stays pending in the inbox. Shared by the stages that own a whole file.
 */
import type { Job } from 'bullmq';
import type { FileLedger } from '../lib/file-ledger.ts';
import { type FileOutcome, settleFile } from '../lib/inbox.ts';
import { failureFromReason, isFinalFailure } from '../lib/job-errors.ts';
import type { FileRef } from '../lib/queues.ts';

export interface SettlingStage {
  ledger: FileLedger;
  /** Told about every file this stage settles (for metrics). */
  onSettled?: (outcome: FileOutcome) => void;
}

/** The failed outcome when `error` was the job's last attempt (and the file was settled), else null. */
export async function settleIfGivenUp(
  stage: SettlingStage,
  job: Pick<Job, 'attemptsMade' | 'opts'>,
  error: Error,
  file: FileRef | null,
  stageName: string,
): Promise<FileOutcome | null> {
  if (!file || !isFinalFailure(job, error)) return null;
  const outcome: FileOutcome = { status: 'failed', failure: failureFromReason(error.message, stageName) };
  await settleFile(stage.ledger, file, outcome);
  stage.onSettled?.(outcome);
  return outcome;
}
