/**
 * How a stage's errors become BullMQ outcomes. Bad input (a SluiceError with `retryable: false`)
 * becomes an UnrecoverableError, which BullMQ never retries; anything else is retried with
 * backoff. Failure reasons start with the error code, so a parent reading its children's
 * failures (and `<name>.error.json`) gets the code back.
 */
import { type Job, UnrecoverableError } from 'bullmq';
import { asSluiceError } from './errors.ts';
import type { FileFailure } from './inbox.ts';

export function toJobError(error: unknown): Error {
  const sluiceError = asSluiceError(error);
  const message = `${sluiceError.code}: ${sluiceError.message}`;
  if (!sluiceError.retryable || error instanceof UnrecoverableError) return new UnrecoverableError(message);
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
