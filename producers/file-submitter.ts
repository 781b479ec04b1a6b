/**
 * What both producers do with one file: refuse it when it is empty or too large, hash it, claim
 * the hash in the file ledger, and queue a `files` job unless the same content was seen before.
 * The job names where the bytes are (the file itself; stdin input is first written to the spool),
 * never the bytes. Waits while too many files are unfinished (backpressure).
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { type FileHandle, link, mkdir, open, unlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InputError, type SluiceError } from '../lib/errors.ts';
import type { FileLedger } from '../lib/file-ledger.ts';
import { type FileFailure, isBeingMoved, moveToDone, moveToFailed, settleFile } from '../lib/inbox.ts';
import { failureFromReason } from '../lib/job-errors.ts';
import type { Logger } from '../lib/logger.ts';
import type { SluiceMetrics } from '../lib/metrics.ts';
import { addFileJob, type FileJob, type FileQueues, type FileRef, jobIds } from '../lib/queues.ts';

export interface FileSubmitterOptions {
  /** Larger files are refused with INPUT_TOO_LARGE, in bytes. */
  maxFileBytes: number;
  /** Wait while more than this many files are queued and unfinished (waiting, active or retrying). */
  maxQueueDepth: number;
  /** Where input that has no file of its own (stdin) is kept, named by its hash. */
  spoolDir: string;
  /** `watch` files live in the inbox and are moved when settled; `ingest` files stay where they are. */
  origin: FileRef['origin'];
  /** How often a paused producer looks at the queue depth again, in ms; default 250. */
  backpressurePollMs?: number;
  /** Files this producer fails (refused, or abandoned by their workers) count in `filesFailed` by code; default none. */
  metrics?: Pick<SluiceMetrics, 'filesFailed'>;
}

export interface SubmitterQueues {
  /** The `files` queue of every partition (a BullMQ Queue will do for one). */
  files: Pick<FileQueues, 'add' | 'getJob' | 'getJobCounts'>;
}

export type Submission =
  /** `follow`: a repeat of content still in flight, left in the inbox until that content settles. */
  | { outcome: 'queued' | 'resumed' | 'repeat' | 'follow'; fileName: string; fileHash: string; run: number }
  | { outcome: 'refused'; fileName: string; failure: FileFailure }
  /** Gone before it could be read (renamed or deleted): nothing to do. */
  | { outcome: 'vanished'; fileName: string }
  /** Being moved to done/ or failed/ by its own settlement (linked there, not yet unlinked here): left to that move. */
  | { outcome: 'moving'; fileName: string };

export interface SubmitBytes {
  bytes: Uint8Array;
  fileName: string;
  /** Identifies the source in the ledger: an absolute path, or `-` for stdin. */
  path: string;
  capturedAt: Date;
}

/** Job states a file is unfinished in: what backpressure counts. */
const UNFINISHED_STATES = ['waiting', 'prioritized', 'active', 'delayed'] as const;

export class FileSubmitter {
  readonly #queues: SubmitterQueues;
  readonly #ledger: FileLedger;
  readonly #logger: Logger;
  readonly #options: Required<Omit<FileSubmitterOptions, 'metrics'>> & Pick<FileSubmitterOptions, 'metrics'>;
  /** Unfinished jobs at the last count, plus what this submitter queued since; read at most once a poll. */
  #depth = { count: 0, readAt: Number.NEGATIVE_INFINITY };

  constructor(queues: SubmitterQueues, ledger: FileLedger, logger: Logger, options: FileSubmitterOptions) {
    this.#queues = queues;
    this.#ledger = ledger;
    this.#logger = logger;
    this.#options = { backpressurePollMs: 250, ...options };
  }

  /** Submits a file by path; for `watch`, a refused or repeated file is moved out of the inbox. */
  async submitPath(path: string): Promise<Submission> {
    const fileName = basename(path);
    let bytes: Buffer;
    let mtime: Date;
    let handle: FileHandle | undefined;
    try {
      // The folder producer never follows a symbolic link, so the inbox cannot be used to read
      // (and publish) files from elsewhere on the machine; O_NOFOLLOW on the open itself leaves no
      // gap between a check and the read. O_NONBLOCK: opening a FIFO must not hang the producer.
      const follow = this.#options.origin === 'watch' ? constants.O_NOFOLLOW : 0;
      handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | follow);
      const stats = await handle.stat();
      if (!stats.isFile()) throw new InputError('INPUT_NOT_A_FILE', `${fileName} is not a regular file`);
      // A hard link is another name of a file that may live anywhere on the disk.
      if (this.#options.origin === 'watch' && stats.nlink > 1) {
        // Unless the other name is its own move's, into done/ or failed/ (a sweep caught it
        // between the link and the unlink): that move is its mover's to finish.
        if (await isBeingMoved(this.#ledger.inbox, path, stats)) return { outcome: 'moving', fileName };
        throw new InputError(
          'INPUT_OUTSIDE_INBOX',
          `${fileName} has ${stats.nlink} hard links; the inbox takes files with one name only, so that it cannot be used to read files outside it`,
        );
      }
      if (stats.size === 0) throw new InputError('INPUT_EMPTY', `${fileName} is empty`);
      if (stats.size > this.#options.maxFileBytes) {
        throw new InputError(
          'INPUT_TOO_LARGE',
          `${fileName} has ${stats.size} bytes, more than the limit of ${this.#options.maxFileBytes} (SLUICE_MAX_FILE_BYTES)`,
        );
      }
      bytes = await handle.readFile();
      mtime = stats.mtime;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { outcome: 'vanished', fileName };
      let refusal: InputError;
      if (error instanceof InputError) refusal = error;
      else if (code === 'ELOOP') {
        refusal = new InputError(
          'INPUT_OUTSIDE_INBOX',
          `${fileName} is a symbolic link; the inbox takes regular files only, so that it cannot be used to read files outside it`,
        );
      } else
        refusal = new InputError(
          'INPUT_UNREADABLE',
          `${fileName} cannot be read: ${(error as Error).message}`,
        );
      return this.#refuse(path, fileName, refusal);
    } finally {
      await handle?.close();
    }
    const submission = await this.#submit({ bytes, fileName, path, capturedAt: mtime }, path);
    if (submission.outcome === 'repeat' && this.#options.origin === 'watch')
      await moveToDone(this.#ledger.inbox, path);
    return submission;
  }

  /** Submits input that has no file of its own (stdin): its bytes are kept in the spool. */
  async submitBytes(input: SubmitBytes): Promise<Submission> {
    return this.#submit(input, null);
  }

  async #submit(input: SubmitBytes, readPath: string | null): Promise<Submission> {
    const fileHash = createHash('sha256').update(input.bytes).digest('hex');
    // A copy of a file in flight waits in the inbox for it (the ledger remembers it), so it is
    // settled as the content it repeats is, never before.
    const follow = this.#options.origin === 'watch' && readPath !== null;
    const claim = await this.#ledger.claim({ fileHash, path: input.path, fileName: input.fileName, follow });
    const log = this.#logger.child({ file: input.fileName, fileHash, run: claim.run });
    if (claim.outcome === 'repeat' || claim.outcome === 'follow') {
      log.info({ previous: claim.previous }, 'File content seen before; recorded as a repeat.');
      return { outcome: claim.outcome, fileName: input.fileName, fileHash, run: claim.run };
    }
    const file: FileRef = {
      fileName: input.fileName,
      fileHash,
      run: claim.run,
      inboxPath: this.#options.origin === 'watch' ? input.path : null,
      origin: this.#options.origin,
      capturedAt: input.capturedAt.toISOString(),
    };
    if (claim.outcome === 'resume') {
      const queued = await this.#queuedJob(file);
      if (queued?.failedReason !== undefined) {
        // Its worker died on it until BullMQ gave up (stalled too often): settle it as failed.
        const failure = failureFromReason(queued.failedReason, queued.queueName);
        await settleFile(this.#ledger, file, { status: 'failed', failure });
        this.#options.metrics?.filesFailed.inc({ code: failure.code });
        log.warn({ code: failure.code }, `File abandoned by its workers: ${failure.message}`);
        return { outcome: 'refused', fileName: input.fileName, failure };
      }
      if (queued) return { outcome: 'resumed', fileName: input.fileName, fileHash, run: claim.run };
    }
    if (claim.outcome === 'new' && claim.previous === null) await this.#removeLeftoverJob(file);
    await this.#waitForRoom();
    const job: FileJob = { ...file, readPath: readPath ?? (await this.#spool(fileHash, input.bytes)) };
    await addFileJob(this.#queues.files, job);
    this.#depth.count++;
    log.info({ bytes: input.bytes.byteLength }, 'File queued.');
    return {
      outcome: claim.outcome === 'new' ? 'queued' : 'resumed',
      fileName: input.fileName,
      fileHash,
      run: claim.run,
    };
  }

  /**
   * Content the ledger has no entry for may still have a finished job under the same id (run 1):
   * its entry expired (SLUICE_DEDUP_WINDOW) before BullMQ removed the job. BullMQ would ignore
   * the add as a duplicate and the file would wait for ever, so the old job goes first.
   */
  async #removeLeftoverJob(file: FileRef): Promise<void> {
    const job = await this.#queues.files.getJob(jobIds.file(file));
    if (job?.finishedOn) await job.remove();
  }

  /** The file's job, if it exists: its queue, and its failure reason when it failed for good. */
  async #queuedJob(file: FileRef): Promise<{ queueName: string; failedReason?: string } | null> {
    const job = await this.#queues.files.getJob(jobIds.file(file));
    if (!job) return null;
    const failed = await job.isFailed();
    return {
      queueName: job.queueName,
      failedReason: failed ? job.failedReason || 'INTERNAL: failed' : undefined,
    };
  }

  /**
   * Writes bytes to the spool under their hash, whole or not at all (a temporary name, then a
   * link that never replaces a file: the same hash is the same content).
   */
  async #spool(fileHash: string, bytes: Uint8Array): Promise<string> {
    await mkdir(this.#options.spoolDir, { recursive: true });
    const target = join(this.#options.spoolDir, fileHash);
    const temporary = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(temporary, bytes, { flag: 'wx' });
    try {
      await link(temporary, target).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
    } finally {
      await unlink(temporary);
    }
    return target;
  }

  /**
   * Waits while more files are unfinished than the limit. The count is read from Redis at most
   * once per poll interval (files this submitter queued in between are added to it), so a burst
   * of files costs a few reads, not one per file.
   */
  async #waitForRoom(): Promise<void> {
    let paused = false;
    for (;;) {
      const stale = performance.now() - this.#depth.readAt >= this.#options.backpressurePollMs;
      if (stale) {
        const counts = await this.#queues.files.getJobCounts(...UNFINISHED_STATES);
        this.#depth = {
          count: Object.values(counts).reduce((sum, n) => sum + n, 0),
          readAt: performance.now(),
        };
      }
      if (this.#depth.count <= this.#options.maxQueueDepth) break;
      if (!paused)
        this.#logger.info(
          { maxQueueDepth: this.#options.maxQueueDepth },
          'Too many files unfinished; pausing.',
        );
      paused = true;
      await sleep(this.#options.backpressurePollMs);
    }
    if (paused) this.#logger.info('Room for more files again; resuming.');
  }

  async #refuse(path: string, fileName: string, error: SluiceError): Promise<Submission> {
    const failure: FileFailure = { code: error.code, message: error.message, stage: this.#options.origin };
    this.#logger.warn({ file: fileName, code: error.code }, `File refused: ${error.message}`);
    if (this.#options.origin === 'watch') await moveToFailed(this.#ledger.inbox, path, failure);
    this.#options.metrics?.filesFailed.inc({ code: failure.code });
    return { outcome: 'refused', fileName, failure };
  }
}
