/**
 * Extraction off the event loop (issue 13, item 7): a small pool of worker threads, each running
 * `extractArticles` on one file at a time under a heap limit and a time limit. A hostile page
 * (deep nesting, an entity bomb) costs its own thread at most the time limit, then the thread is
 * terminated and replaced, and the page fails at once with its own, never retried, code; the
 * files in the other threads, and the process's event loop (job locks, Redis), go on meanwhile.
 *
 *   const sandbox = new ExtractSandbox({ threads: config.concurrency.extract });
 *   const articles = await sandbox.extract(bytes, { fileName, capturedAt });  // as extractArticles
 *   await sandbox.close();
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Article } from '../../lib/article.ts';
import { InputError, type InputErrorCode, SluiceError } from '../../lib/errors.ts';
import type { ExtractedPage, ExtractOptions } from './extract-articles.ts';
import type { ThreadError, ThreadMessage, ThreadTask } from './extract-thread.ts';

export const EXTRACT_SANDBOX_DEFAULTS = {
  /**
   * Threads in the pool: one per core, as extraction is CPU work. The pipeline passes its extract
   * concurrency instead, so that no job waits behind another job's file.
   */
  threads: availableParallelism(),
  /**
   * Wall time one file may take in its thread, ms, before the thread is terminated
   * (`INPUT_TOO_COMPLEX`): 6x the slowest valid page measured, 18 MB of HTML in 5 s on 2 busy
   * cores. Wall, not CPU, time: Node 20 has no clock of one thread's CPU time, and a thread's
   * event loop is busy all the time it extracts anyway. SLUICE_EXTRACT_TIME_LIMIT_MS's default.
   */
  timeLimitMs: 30_000,
  /**
   * Old-generation heap of each thread, MB (`INPUT_TOO_LARGE_IN_MEMORY` past it): twice what that
   * 18 MB HTML page needs (it fits in 256). SLUICE_EXTRACT_HEAP_MB's default.
   */
  heapLimitMb: 512,
} as const;

export interface ExtractSandboxOptions {
  /** Threads in the pool, started as files arrive. Default: the cores (`availableParallelism()`). */
  threads?: number;
  /** Wall time one file may take in its thread, ms. Default 30000. */
  timeLimitMs?: number;
  /** Old-generation heap of each thread, MB. Default 512. */
  heapLimitMb?: number;
  /** Told about each thread as it starts: to watch it, or in tests to kill it. */
  onThreadStart?: (thread: Worker) => void;
}

/** The entry of every thread: registers tsx, then loads extract-thread.ts. */
const THREAD_ENTRY = new URL('./extract-thread-loader.mjs', import.meta.url);

interface Task {
  bytes: Uint8Array;
  options: ExtractOptions;
  resolve: (page: ExtractedPage) => void;
  reject: (error: Error) => void;
}

interface Thread {
  worker: Worker;
  /** Its modules are loaded: it takes files. */
  ready: boolean;
  task?: Task;
  timer?: NodeJS.Timeout;
  /** Why the pool terminated it, for the file it was on. */
  stopping?: (file: string) => Error;
  /** The last `error` event, which comes before `exit`. */
  failure?: Error;
}

export class ExtractSandbox {
  readonly #options: Required<Omit<ExtractSandboxOptions, 'onThreadStart'>> & ExtractSandboxOptions;
  readonly #threads = new Set<Thread>();
  /** Files waiting for a thread, oldest first. */
  readonly #queue: Task[] = [];
  #closed = false;

  constructor(options: ExtractSandboxOptions = {}) {
    this.#options = { ...EXTRACT_SANDBOX_DEFAULTS, ...options };
    const { threads, timeLimitMs, heapLimitMb } = this.#options;
    if (!Number.isInteger(threads) || threads < 1) {
      throw new RangeError(`ExtractSandbox: threads must be a whole number >= 1, got ${threads}`);
    }
    if (!(timeLimitMs > 0))
      throw new RangeError(`ExtractSandbox: timeLimitMs must be > 0, got ${timeLimitMs}`);
    if (!(heapLimitMb > 0))
      throw new RangeError(`ExtractSandbox: heapLimitMb must be > 0, got ${heapLimitMb}`);
  }

  /**
   * The articles of one file, as `extractArticles(bytes, options)` returns them, and the same
   * `InputError`s; besides, a file over a limit fails with `INPUT_TOO_COMPLEX` (time) or
   * `INPUT_TOO_LARGE_IN_MEMORY` (heap), and one that overflows the stack with `INPUT_TOO_DEEP`.
   * A thread that dies otherwise, or `close()`, fails its file with a retryable `INTERNAL`.
   */
  async extract(bytes: Uint8Array, options: ExtractOptions): Promise<Article[]> {
    return (await this.extractPage(bytes, options)).articles;
  }

  /** `extract`, with the page's chrome keys for learning (`extractPage`). */
  extractPage(bytes: Uint8Array, options: ExtractOptions): Promise<ExtractedPage> {
    if (this.#closed) return Promise.reject(closedError(options.fileName));
    return new Promise((resolve, reject) => {
      this.#queue.push({ bytes, options, resolve, reject });
      this.#dispatch();
    });
  }

  /**
   * Ends every thread and resolves once they have exited. Files still waiting or in a thread
   * fail with a retryable `INTERNAL` error: close after the worker stopped taking jobs.
   */
  async close(): Promise<void> {
    this.#closed = true;
    for (const task of this.#queue.splice(0)) task.reject(closedError(task.options.fileName));
    await Promise.all(
      [...this.#threads].map((thread) => {
        thread.stopping = closedError;
        return thread.worker.terminate();
      }),
    );
  }

  /** Hands waiting files to idle threads, and starts threads for the files no thread will take. */
  #dispatch(): void {
    while (this.#queue.length > 0 && !this.#closed) {
      const threads = [...this.#threads];
      const idle = threads.find((thread) => thread.ready && !thread.task);
      if (idle) {
        this.#run(idle, this.#queue.shift() as Task);
        continue;
      }
      const starting = threads.filter((thread) => !thread.ready).length;
      if (starting >= this.#queue.length || threads.length >= this.#options.threads) return;
      this.#start();
    }
  }

  #start(): void {
    const worker = new Worker(THREAD_ENTRY, {
      resourceLimits: { maxOldGenerationSizeMb: this.#options.heapLimitMb },
      // The thread's own flags only: a parent's `--import tsx` or heap size must not apply to it.
      execArgv: [],
    });
    const thread: Thread = { worker, ready: false };
    this.#threads.add(thread);
    worker.on('message', (message: ThreadMessage) => this.#answered(thread, message));
    worker.on('error', (error) => {
      thread.failure = error;
    });
    worker.on('exit', (code) => this.#exited(thread, code));
    this.#options.onThreadStart?.(worker);
  }

  #run(thread: Thread, task: Task): void {
    thread.task = task;
    thread.worker.ref();
    const { timeLimitMs } = this.#options;
    thread.timer = setTimeout(() => {
      thread.stopping = (file) =>
        new InputError(
          'INPUT_TOO_COMPLEX',
          `Extraction took over ${timeLimitMs / 1000} s (SLUICE_EXTRACT_TIME_LIMIT_MS); its thread was stopped.`,
          { file },
        );
      void thread.worker.terminate();
    }, timeLimitMs);
    thread.worker.postMessage({ bytes: task.bytes, options: task.options } satisfies ThreadTask);
  }

  #answered(thread: Thread, message: ThreadMessage): void {
    if (thread.stopping) return;
    if ('ready' in message) {
      thread.ready = true;
    } else {
      const task = thread.task as Task;
      clearTimeout(thread.timer);
      thread.task = undefined;
      if ('page' in message) task.resolve(message.page);
      else task.reject(revive(message.error));
    }
    // An idle thread does not keep the process alive.
    thread.worker.unref();
    this.#dispatch();
  }

  #exited(thread: Thread, code: number): void {
    this.#threads.delete(thread);
    clearTimeout(thread.timer);
    const { task, failure } = thread;
    if (task) {
      task.reject(
        thread.stopping?.(task.options.fileName) ?? threadDied(task.options.fileName, code, failure),
      );
    } else if (!thread.ready && !thread.stopping && ![...this.#threads].some((other) => other.ready)) {
      // No thread could start: fail the waiting files (retryable) rather than start threads forever.
      for (const waiting of this.#queue.splice(0)) {
        const file = waiting.options.fileName;
        const reason = failure?.message ?? `exit code ${code}`;
        waiting.reject(
          new SluiceError('INTERNAL', `No extract thread could start: ${reason}`, {
            file,
            retryable: true,
            cause: failure,
          }),
        );
      }
    }
    this.#dispatch();
  }
}

function closedError(file: string): SluiceError {
  return new SluiceError('INTERNAL', 'The extract sandbox closed before this file was extracted.', {
    file,
    retryable: true,
  });
}

/** A thread that ended without the pool stopping it: out of heap, or killed. */
function threadDied(file: string, code: number, failure?: Error): Error {
  if ((failure as NodeJS.ErrnoException | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new InputError(
      'INPUT_TOO_LARGE_IN_MEMORY',
      'Extraction needed more heap than its thread may use (SLUICE_EXTRACT_HEAP_MB); its thread was stopped.',
      { file },
    );
  }
  const why = failure ? `: ${failure.message}` : '';
  return new SluiceError('INTERNAL', `The extract thread exited (code ${code}) during this file${why}`, {
    file,
    retryable: true,
    cause: failure,
  });
}

const ERROR_CLASSES: Record<string, ErrorConstructor> = {
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
};

/** The thread's error as the class `extractArticles` would have thrown, with the thread's stack. */
function revive(error: ThreadError): Error {
  const { code, message, file, retryable } = error;
  const revived = code?.startsWith('INPUT_')
    ? new InputError(code as InputErrorCode, message, { file })
    : code
      ? new SluiceError(code, message, { file, retryable })
      : Object.assign(new (ERROR_CLASSES[error.name] ?? Error)(message), { name: error.name });
  if (error.stack) revived.stack = error.stack;
  return revived;
}
