/**
 * The queue contract: the queue's name, the payload of its job with its validation, job ids, and
 * the retry/retention policy. Producers and workers both import this module, so a payload change
 * is a type error on both sides.
 *
 * One job per file (docs/architecture.md, "One job per file"): the producer adds a `files` job that
 * names where the file's bytes are (never the bytes themselves); a worker reads them, extracts,
 * claims and indexes the articles, and settles the file, all in that one job.
 */
import { type DefaultJobOptions, type JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { InputError } from './errors.ts';
import { jobName } from './job-names.ts';

export const QUEUE_NAMES = {
  files: 'files',
} as const;

export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/**
 * Where a file came from: files from the watched folder are moved to done/ or failed/ afterwards;
 * `reindex` files are stored pages read again into a new index (never moved, no file ledger).
 */
export const FILE_ORIGINS = ['watch', 'ingest', 'reindex'] as const;

const isoTime = z.iso.datetime({ offset: true });
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, { message: 'expected a hex sha256' });

/** What a file job carries, from the producer through every stage. */
const fileRef = z.object({
  /** Base name of the file as dropped ("page-001.txt", or "stdin"). */
  fileName: z.string().min(1),
  /** sha256 of the bytes, hex: the file's identity in the ledger. */
  fileHash: sha256,
  /** Which processing of this content this is (1, then 2 after a failed first run...). */
  run: z.number().int().min(1),
  /** Absolute path in the inbox to move afterwards; null when nothing should be moved. */
  inboxPath: z.string().min(1).nullable(),
  origin: z.enum(FILE_ORIGINS),
  /** When the page was captured (file mtime), ISO 8601. */
  capturedAt: isoTime,
});

export type FileRef = z.infer<typeof fileRef>;

/** A concrete index and the dedup namespace whose claims give its document ids. */
const indexTarget = z.object({
  index: z.string().min(1),
  namespace: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, { message: 'expected an index-like name' }),
});

export type IndexTarget = z.infer<typeof indexTarget>;

const fileJob = fileRef
  .extend({
    /**
     * Where the worker reads the bytes: the file in the inbox, an ingested file where it lies, or
     * the spool's copy of stdin input. The worker checks they still hash to `fileHash`.
     */
    readPath: z.string().min(1),
    /** A reindex job's index (instead of the alias); set exactly when `origin` is `reindex`. */
    target: indexTarget.optional(),
  })
  .refine(
    (job) =>
      (job.origin === 'reindex') === (job.target !== undefined) &&
      (job.origin !== 'reindex' || job.inboxPath === null),
    {
      message: 'a reindex job has a target and no inboxPath; other jobs have no target',
    },
  );

export type FileJob = z.infer<typeof fileJob>;

const SCHEMAS = {
  files: fileJob,
} satisfies Record<QueueName, z.ZodType>;

export type JobData<Q extends QueueName> = z.infer<(typeof SCHEMAS)[Q]>;

/**
 * Validates a job's payload when a worker takes it. A payload that does not match the contract
 * can never succeed, so the error is an InputError (not retried).
 */
export function parseJobData<Q extends QueueName>(queue: Q, data: unknown): JobData<Q>;
/** With `orNull`, a bad payload gives null instead of throwing (for error paths). */
export function parseJobData<Q extends QueueName>(
  queue: Q,
  data: unknown,
  options: { orNull: true },
): JobData<Q> | null;
export function parseJobData<Q extends QueueName>(
  queue: Q,
  data: unknown,
  options: { orNull?: boolean } = {},
): JobData<Q> | null {
  const parsed = SCHEMAS[queue].safeParse(data);
  if (!parsed.success) {
    if (options.orNull) return null;
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new InputError('INPUT_MALFORMED', `Bad ${queue} job payload: ${problems.join('; ')}`);
  }
  return parsed.data as JobData<Q>;
}

/**
 * Job ids are derived from the content hash and run, so a stage that is retried after a crash
 * re-adds the same ids and BullMQ ignores the duplicates instead of doubling the work.
 */
export const jobIds = {
  file: (file: Pick<FileRef, 'fileHash' | 'run'>) => `${file.fileHash}-${file.run}`,
  /** A reindex's job for a content, per attempt of that reindex (a resumed reindex is a new attempt). */
  reindex: (fileHash: string, index: string, attempt: number) => `${fileHash}-${index}-${attempt}`,
};

export interface JobPolicyOptions {
  /**
   * Tries per job before it fails for good (bad input is never retried); default 12: with the
   * doubling backoff that rides out about 34 minutes of Redis/Elasticsearch being away (an
   * upgrade, a restart) before a file is given up on and moved to failed/.
   */
  attempts?: number;
  /** First retry delay in ms, doubled on each retry; default 1000. */
  backoffMs?: number;
}

/**
 * Retries with exponential backoff, and bounded retention: completed jobs are kept an hour (at
 * most 1000, for the dashboard), failed ones a week with their reason (at most 10,000). Removed jobs are forgotten by BullMQ,
 * which is why file identity lives in the file ledger and not in job ids alone.
 */
export function jobPolicy(options: JobPolicyOptions = {}): DefaultJobOptions {
  return {
    attempts: options.attempts ?? 12,
    backoff: { type: 'exponential', delay: options.backoffMs ?? 1000 },
    // A finished job keeps only its file reference and a small summary (no bytes, no articles).
    removeOnComplete: { age: 3600, count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
  };
}

export type PipelineQueues = Record<QueueName, Queue>;

/**
 * Queues a file's job, named after the file (the queue board lists files, not hashes), under its
 * content's job id: adding it again while it exists does nothing.
 */
export async function addFileJob(queue: Queue, file: FileJob, options: JobsOptions = {}): Promise<void> {
  await queue.add(jobName(file), file, { ...options, jobId: jobIds.file(file) });
}

/**
 * The pipeline's queues on one connection, e.g. for producers, the dashboard and `ingest --wait`.
 * `prefix` is the pipeline's hash-tagged prefix (lib/connections.ts `queuePrefix`).
 */
export function openQueues(
  connection: Redis,
  prefix: string,
  policy: DefaultJobOptions = jobPolicy(),
): PipelineQueues {
  return { files: new Queue(QUEUE_NAMES.files, { connection, prefix, defaultJobOptions: policy }) };
}

/**
 * Closes the queues once their start-up check (BullMQ reads the Redis version when a queue is
 * made) has answered: a connection closed under it rejects that check where nobody can catch it.
 */
export async function closeQueues(queues: PipelineQueues): Promise<void> {
  await Promise.all(
    Object.values(queues).map(async (queue) => {
      await queue.waitUntilReady().catch(() => undefined);
      await queue.close();
    }),
  );
}
