/**
 * What both producers do with one file: refuse it when it is empty or too large, hash it, claim
 * the hash in the file ledger, and queue an `extract` job unless the same content was seen
 * before. Waits while the extract queue is deeper than the limit (backpressure).
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Queue } from 'bullmq';
import { InputError, type SluiceError } from '../lib/errors.ts';
import type { FileLedger } from '../lib/file-ledger.ts';
import { type FileFailure, moveToDone, moveToFailed, settleFile } from '../lib/inbox.ts';
import { failureFromReason } from '../lib/job-errors.ts';
import { jobName } from '../lib/job-names.ts';
import type { Logger } from '../lib/logger.ts';
import type { SluiceMetrics } from '../lib/metrics.ts';
import { type ExtractJob, type FileRef, jobIds } from '../lib/queues.ts';

export interface FileSubmitterOptions {
  /** Larger files are refused with INPUT_TOO_LARGE, in bytes. */
  maxFileBytes: number;
  /** Wait while more than this many extract jobs wait. */
  maxQueueDepth: number;
  /** `watch` files live in the inbox and are moved when settled; `ingest` files stay where they are. */
  origin: FileRef['origin'];
  /** How often a paused producer looks at the queue depth again, in ms; default 250. */
  backpressurePollMs?: number;
  /** Files this producer fails (refused, or abandoned by their workers) count in `filesFailed` by code; default none. */
  metrics?: Pick<SluiceMetrics, 'filesFailed'>;
}

export interface SubmitterQueues {
  extract: Queue;
  finalize: Queue;
}

export type Submission =
  | { outcome: 'queued' | 'resumed' | 'repeat'; fileName: string; fileHash: string; run: number }
  | { outcome: 'refused'; fileName: string; failure: FileFailure }
  /** Gone before it could be read (renamed or deleted): nothing to do. */
  | { outcome: 'vanished'; fileName: string };

export interface SubmitBytes {
  bytes: Uint8Array;
  fileName: string;
  /** Identifies the source in the ledger: an absolute path, or `-` for stdin. */
  path: string;
  capturedAt: Date;
}

export class FileSubmitter {
  readonly #queues: SubmitterQueues;
  readonly #ledger: FileLedger;
  readonly #logger: Logger;
  readonly #options: Required<Omit<FileSubmitterOptions, 'metrics'>> & Pick<FileSubmitterOptions, 'metrics'>;

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
    const submission = await this.submitBytes({ bytes, fileName, path, capturedAt: mtime });
    if (submission.outcome === 'repeat' && this.#options.origin === 'watch') await moveToDone(path);
    return submission;
  }

  async submitBytes(input: SubmitBytes): Promise<Submission> {
    const fileHash = createHash('sha256').update(input.bytes).digest('hex');
    const claim = await this.#ledger.claim({ fileHash, path: input.path, fileName: input.fileName });
    const log = this.#logger.child({ file: input.fileName, fileHash, run: claim.run });
    if (claim.outcome === 'repeat') {
      log.info({ previous: claim.previous }, 'File content seen before; recorded as a repeat.');
      return { outcome: 'repeat', fileName: input.fileName, fileHash, run: claim.run };
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
    await this.#waitForRoom();
    const job: ExtractJob = { ...file, bytes: Buffer.from(input.bytes).toString('base64') };
    await this.#queues.extract.add(jobName(file), job, { jobId: jobIds.extract(file) });
    log.info({ bytes: input.bytes.byteLength }, 'File queued for extraction.');
    return {
      outcome: claim.outcome === 'new' ? 'queued' : 'resumed',
      fileName: input.fileName,
      fileHash,
      run: claim.run,
    };
  }

  /**
   * A claimed, unsettled file is somewhere in the flow as long as its extract job or its
   * finalize parent exists (the extract worker adds the parent before its own job completes).
   * Neither means a producer died between claiming and queueing. Returns the job's queue, and
   * its failure reason when it failed for good.
   */
  async #queuedJob(file: FileRef): Promise<{ queueName: string; failedReason?: string } | null> {
    const stages = [
      { queue: this.#queues.finalize, jobId: jobIds.finalize(file) },
      { queue: this.#queues.extract, jobId: jobIds.extract(file) },
    ];
    for (const { queue, jobId } of stages) {
      const job = await queue.getJob(jobId);
      if (!job) continue;
      const failed = await job.isFailed();
      return {
        queueName: queue.name,
        failedReason: failed ? job.failedReason || 'INTERNAL: failed' : undefined,
      };
    }
    return null;
  }

  async #waitForRoom(): Promise<void> {
    let paused = false;
    while ((await this.#queues.extract.getWaitingCount()) > this.#options.maxQueueDepth) {
      if (!paused)
        this.#logger.info({ maxQueueDepth: this.#options.maxQueueDepth }, 'Extract queue full; pausing.');
      paused = true;
      await sleep(this.#options.backpressurePollMs);
    }
    if (paused) this.#logger.info('Extract queue has room again; resuming.');
  }

  async #refuse(path: string, fileName: string, error: SluiceError): Promise<Submission> {
    const failure: FileFailure = { code: error.code, message: error.message, stage: this.#options.origin };
    this.#logger.warn({ file: fileName, code: error.code }, `File refused: ${error.message}`);
    if (this.#options.origin === 'watch') await moveToFailed(path, failure);
    this.#options.metrics?.filesFailed.inc({ code: failure.code });
    return { outcome: 'refused', fileName, failure };
  }
}
