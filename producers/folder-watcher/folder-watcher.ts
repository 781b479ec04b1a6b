/**
 * The folder producer: watches the top level of the inbox and submits every file that has
 * stopped growing, including the files already there at start. Submissions run a few at a time
 * (the submitter waits while the extract queue is full), so a burst of thousands of files is a
 * queue of paths, not thousands of open files. A periodic rescan picks up files whose events the
 * OS dropped (inotify overflows under bursts), and sweeps: a file submitted a while ago that is
 * still in the inbox is submitted again, so a file whose job is gone (Redis restarted without its
 * data, a job abandoned) is queued anew instead of waiting for a restart. Reading a file twice is
 * harmless because the file ledger recognises its content (a file still in flight is `resumed`).
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type FSWatcher, watch } from 'chokidar';
import { isIgnoredName } from '../../lib/ignored-names.ts';
import type { Logger } from '../../lib/logger.ts';
import type { FileSubmitter, Submission } from '../file-submitter.ts';

export interface FolderWatcherOptions {
  /** The folder watched (top level only; done/ and failed/ live inside it). */
  inbox: string;
  /** A file is read once its size has not changed for this long, in ms; default 300. */
  stabilityMs?: number;
  /** Files read and queued at once; default 8. */
  concurrency?: number;
  /** Interval of full rescans of the inbox, in ms; default 30000. */
  rescanIntervalMs?: number;
  /**
   * A rescan submits again a file submitted longer ago than this that is still in the inbox, in
   * ms; default 120000 (a file normally leaves within seconds; the cost of a sweep is one read
   * and two Redis commands per file still there).
   */
  sweepAfterMs?: number;
  /** Told about every submission (for progress and tests). */
  onSubmission?: (submission: Submission) => void;
}

export class FolderWatcher {
  readonly #submitter: Pick<FileSubmitter, 'submitPath'>;
  readonly #logger: Logger;
  readonly #options: Required<Omit<FolderWatcherOptions, 'onSubmission'>> &
    Pick<FolderWatcherOptions, 'onSubmission'>;
  /** Paths submitted (or waiting to be) by this process that are still in the inbox, with when they were submitted. */
  readonly #known = new Map<string, number>();
  readonly #waiting: string[] = [];
  readonly #active = new Set<Promise<void>>();
  #watcher: FSWatcher | undefined;
  #rescanTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(submitter: Pick<FileSubmitter, 'submitPath'>, logger: Logger, options: FolderWatcherOptions) {
    this.#submitter = submitter;
    this.#logger = logger;
    this.#options = {
      stabilityMs: 300,
      concurrency: 8,
      rescanIntervalMs: 30_000,
      sweepAfterMs: 120_000,
      ...options,
    };
  }

  /** Resolves once the files already in the inbox have been found (not yet submitted). */
  async start(): Promise<void> {
    const { inbox, stabilityMs } = this.#options;
    this.#watcher = watch(inbox, {
      depth: 0,
      ignoreInitial: false,
      ignored: (path) => path !== inbox && isIgnoredName(basename(path)),
      awaitWriteFinish: { stabilityThreshold: stabilityMs, pollInterval: Math.min(100, stabilityMs) },
    });
    this.#watcher.on('add', (path) => this.#enqueue(path));
    this.#watcher.on('unlink', (path) => this.#known.delete(path));
    this.#watcher.on('error', (error) =>
      this.#logger.error({ err: error, inbox }, 'Watching the inbox failed.'),
    );
    await new Promise<void>((resolve) => this.#watcher?.once('ready', resolve));
    this.#rescanTimer = setInterval(() => void this.rescan(), this.#options.rescanIntervalMs);
    this.#logger.info({ inbox }, 'Watching the inbox.');
  }

  /**
   * Submits files in the inbox that no event announced (old enough to have stopped growing), and
   * again those submitted longer than `sweepAfterMs` ago that are still there.
   */
  async rescan(): Promise<void> {
    const { inbox, stabilityMs, sweepAfterMs } = this.#options;
    try {
      for (const entry of await readdir(inbox, { withFileTypes: true })) {
        const path = join(inbox, entry.name);
        if (!entry.isFile() || isIgnoredName(entry.name)) continue;
        const submittedAt = this.#known.get(path);
        if (submittedAt !== undefined) {
          if (Date.now() - submittedAt < sweepAfterMs) continue;
          this.#known.delete(path);
        }
        const { mtimeMs } = await stat(path).catch(() => ({ mtimeMs: Number.POSITIVE_INFINITY }));
        if (Date.now() - mtimeMs > stabilityMs * 2) this.#enqueue(path);
      }
    } catch (error) {
      this.#logger.error({ err: error, inbox }, 'Rescanning the inbox failed.');
    }
  }

  /** Stops watching and waits for the submissions in progress; files not yet read stay in the inbox. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#rescanTimer);
    this.#waiting.length = 0;
    await this.#watcher?.close();
    await Promise.all(this.#active);
  }

  #enqueue(path: string): void {
    if (this.#closed || this.#known.has(path)) return;
    // Not submitted yet: no sweep until it has been (its time is set once it is).
    this.#known.set(path, Number.POSITIVE_INFINITY);
    this.#waiting.push(path);
    this.#pump();
  }

  #pump(): void {
    while (!this.#closed && this.#active.size < this.#options.concurrency && this.#waiting.length > 0) {
      const path = this.#waiting.shift() as string;
      const work = this.#submit(path);
      this.#active.add(work);
      void work.finally(() => {
        this.#active.delete(work);
        this.#pump();
      });
    }
  }

  async #submit(path: string): Promise<void> {
    try {
      const submission = await this.#submitter.submitPath(path);
      // Refused, repeated and vanished files have left the inbox (or never were): forget them. A
      // follower stays, waiting for the content it repeats, and a file caught in its move out
      // until the move ends (its unlink event); the sweep looks at them again later.
      const stays = ['queued', 'resumed', 'follow', 'moving'].includes(submission.outcome);
      if (stays) this.#known.set(path, Date.now());
      else this.#known.delete(path);
      this.#options.onSubmission?.(submission);
    } catch (error) {
      // Redis unreachable, most likely: forget the path so the next rescan tries again.
      this.#known.delete(path);
      this.#logger.error(
        { err: error, file: basename(path) },
        'Submitting a file failed; it stays in the inbox.',
      );
    }
  }
}
