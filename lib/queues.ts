/**
 * The queue contract: the queue's name, the payload of its job with its validation, job ids, and
 * the retry/retention policy. Producers and workers both import this module, so a payload change
 * is a type error on both sides.
 *
 * One job per file (docs/architecture.md, "One job per file"): the producer adds a `files` job that
 * names where the file's bytes are (never the bytes themselves); a worker reads them, extracts,
 * claims and indexes the articles, and settles the file, all in that one job.
 */
import { type DefaultJobOptions, type Job, type JobsOptions, type JobType, Queue } from 'bullmq';
import { z } from 'zod';
import type { RedisClient } from './connections.ts';
import { InputError } from './errors.ts';
import { jobName } from './job-names.ts';
import { partitionOf } from './keys.ts';

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
export async function addFileJob(
  queue: Pick<FileQueues, 'add'>,
  file: FileJob,
  options: JobsOptions = {},
): Promise<void> {
  await queue.add(jobName(file), file, { ...options, jobId: jobIds.file(file) });
}

/**
 * The pipeline's queues on one connection, e.g. for producers, the dashboard and `ingest --wait`.
 * `prefix` is the pipeline's hash-tagged prefix (lib/connections.ts `queuePrefix`).
 */
export function openQueues(
  connection: RedisClient,
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
  await Promise.all(Object.values(queues).map(closeQueue));
}

async function closeQueue(queue: Queue): Promise<void> {
  await queue.waitUntilReady().catch(() => undefined);
  await queue.close();
}

/**
 * The `files` queue of every partition (SLUICE_PARTITIONS, lib/keys.ts `partitionPrefixes`) as one:
 * a job goes to its content's partition, a job id (which starts with the content hash) is looked up
 * there, and counts are summed over all of them. With one partition it is that one queue.
 */
export class FileQueues {
  readonly name = QUEUE_NAMES.files;
  readonly partitions: readonly Queue[];

  constructor(partitions: readonly Queue[]) {
    this.partitions = partitions;
  }

  /** The queue of a content hash, or of a job id (ids start with the hash: `jobIds`). */
  for(fileHashOrJobId: string): Queue {
    return this.partitions[partitionOf(fileHashOrJobId, this.partitions.length)] as Queue;
  }

  add(name: string, data: FileJob, opts: JobsOptions & { jobId: string }): Promise<Job> {
    return this.for(data.fileHash).add(name, data, opts);
  }

  async addBulk(
    jobs: ReadonlyArray<{ name: string; data: FileJob; opts: { jobId: string } }>,
  ): Promise<void> {
    await Promise.all(
      this.partitions.map((queue, i) =>
        queue.addBulk(jobs.filter((job) => partitionOf(job.data.fileHash, this.partitions.length) === i)),
      ),
    );
  }

  getJob(jobId: string): Promise<Job | undefined> {
    return this.for(jobId).getJob(jobId);
  }

  getJobState(jobId: string): ReturnType<Queue['getJobState']> {
    return this.for(jobId).getJobState(jobId);
  }

  async getJobCounts(...types: JobType[]): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const partition of await Promise.all(this.partitions.map((queue) => queue.getJobCounts(...types))))
      for (const [state, count] of Object.entries(partition)) counts[state] = (counts[state] ?? 0) + count;
    return counts;
  }

  async getActive(): Promise<Job[]> {
    return (await Promise.all(this.partitions.map((queue) => queue.getActive()))).flat();
  }

  on(event: 'error', listener: (error: Error) => void): this {
    for (const queue of this.partitions) queue.on(event, listener);
    return this;
  }

  async waitUntilReady(): Promise<void> {
    await Promise.all(this.partitions.map((queue) => queue.waitUntilReady()));
  }

  /** Closes every partition's queue once its start-up check has answered (as closeQueues does). */
  async close(): Promise<void> {
    await Promise.all(this.partitions.map(closeQueue));
  }
}

/** What the pipeline's own code uses of its queues: the `files` queue of every partition. */
export interface PartitionedQueues {
  files: FileQueues;
}

/** The `files` queue of each partition prefix (`partitionPrefixes(config)`), on one connection. */
export function openFileQueues(
  connection: RedisClient,
  prefixes: readonly string[],
  policy: DefaultJobOptions = jobPolicy(),
): PartitionedQueues {
  return {
    files: new FileQueues(
      prefixes.map(
        (prefix) => new Queue(QUEUE_NAMES.files, { connection, prefix, defaultJobOptions: policy }),
      ),
    ),
  };
}
