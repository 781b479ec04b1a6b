/**
 * What runs inside each thread of the extract sandbox (extract-sandbox.ts): one file at a time,
 * `extractPage` on the bytes the pool sends, the articles (and chrome keys) or the error sent back. Errors
 * cross the thread boundary as plain data (a structured clone keeps neither class nor code).
 */
import { parentPort } from 'node:worker_threads';
import { type ErrorCode, InputError, SluiceError } from '../../lib/errors.ts';
import { type ExtractedPage, type ExtractOptions, extractPage } from './extract-articles.ts';

/** A file for the thread to extract (the known chrome, a Set, crosses as data). */
export interface ThreadTask {
  bytes: Uint8Array;
  options: ExtractOptions;
}

/** An error as it crosses the thread boundary. */
export interface ThreadError {
  name: string;
  message: string;
  stack?: string;
  /** Set for a SluiceError. */
  code?: ErrorCode;
  file?: string;
  retryable?: boolean;
}

/** What the thread posts: once `ready` when its modules are loaded, then one answer per task. */
export type ThreadMessage = { ready: true } | { page: ExtractedPage } | { error: ThreadError };

/**
 * A page nested deeper than the parser's recursion can go fails the same way on every attempt:
 * bad input, not a bug to retry.
 */
function asInputError(error: unknown, file: string): unknown {
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return new InputError('INPUT_TOO_DEEP', 'The page nests too deeply to extract (a stack overflow).', {
      file,
    });
  }
  return error;
}

function describe(error: unknown): ThreadError {
  if (error instanceof SluiceError) return { ...error.toJSON(), name: error.name, stack: error.stack };
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: 'Error', message: String(error) };
}

const port = parentPort;
if (!port) throw new Error('extract-thread.ts runs inside a worker thread of the extract sandbox.');
port.on('message', ({ bytes, options }: ThreadTask) => {
  let answer: ThreadMessage;
  try {
    answer = { page: extractPage(bytes, options) };
  } catch (error) {
    answer = { error: describe(asInputError(error, options.fileName)) };
  }
  port.postMessage(answer);
});
port.postMessage({ ready: true } satisfies ThreadMessage);
