/**
 * How a stage's errors become BullMQ outcomes, and what happens to a file whose job BullMQ gives
 * up on. Bad input (a SluiceError with `retryable: false`) becomes an UnrecoverableError, which
 * BullMQ never retries; anything else is retried with backoff. Failure reasons start with the error code, so a parent reading its children's
 * failures (and `<name>.error.json`) gets the code back.
 */
import { type Job, UnrecoverableError } from 'bullmq';
import { asSluiceError } from './errors.ts';
import type { FileLedger } from './file-ledger.ts';
import { type FileFailure, type FileOutcome, settleFile } from './inbox.ts';
import type { FileRef } from './queues.ts';

export function toJobError(error: unknown): Error {
  const sluiceError = asSluiceError(error);
  const message = `${sluiceError.code}: ${sluiceError.message}`;
  if (!sluiceError.retryable || error instanceof UnrecoverableError) {
    const final = new UnrecoverableError(message);
    // The original error, with its stack: the failure report of a bug (INTERNAL) shows it.
    final.cause = error;
    return final;
  }
  return new Error(message, { cause: error });
}

/** True when BullMQ will not run the job again after this error. */
export function isFinalFailure(job: Pick<Job, 'attemptsMade' | 'opts'>, error: Error): boolean {
  return error instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/** Reads a failure reason written by `toJobError` ("CODE: message") back into its parts. */
export function failureFromReason(reason: string, stage: string): FileFailure {
  const match = /^([A-Z][A-Z0-9_]*): ([\s\S]*)$/.exec(reason);
  return match
    ? { code: match[1] as string, message: match[2] as string, stage }
    : { code: 'INTERNAL', message: reason, stage };
}

/** The queue a child job key (`{prefix}:<queue>:<id>`) belongs to. */
export function queueOfJobKey(jobKey: string): string {
  const parts = jobKey.split(':');
  return parts[parts.length - 2] ?? 'unknown';
}

/**
 * A stage's BullMQ processor: `run`'s errors become job errors (`toJobError`), after `onError`
 * (which may settle the file) has seen them; so do `onError`'s own.
 */
export function jobProcessor<R>(
  run: (job: Job) => Promise<R>,
  onError?: (job: Job, error: Error) => Promise<void>,
): (job: Job) => Promise<R> {
  return async (job) => {
    try {
      return await run(job);
    } catch (error) {
      const jobError = toJobError(error);
      // Settling can fail too (a path outside the inbox, a full disk): that error is the job's.
      await onError?.(job, jobError).catch((settleError: unknown) => {
        throw toJobError(settleError);
      });
      throw jobError;
    }
  };
}

/**
 * A file whose stage job BullMQ will not run again is settled as failed (failed/ with its error
 * report) so it never stays pending in the inbox. Used by the stages that own a whole file.
 */
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
  const failure = failureFromReason(error.message, stageName);
  const stack = (error.cause as Error | undefined)?.stack;
  if (failure.code === 'INTERNAL' && stack) failure.stack = stack;
  const outcome: FileOutcome = { status: 'failed', failure };
  await settleFile(stage.ledger, file, outcome);
  stage.onSettled?.(outcome);
  return outcome;
}
