/**
 * Where processed files go: `<inbox>/done/` and `<inbox>/failed/`, with `<name>.error.json` beside
 * a failed file, and how a file's run is settled. Producers (refused, repeated and abandoned
 * files) and workers (finished files) both do it, so it is defined once here.
 */
import { access, mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { SluiceError } from './errors.ts';
import type { FileLedger, LedgerEntry } from './file-ledger.ts';
import type { FileRef } from './queues.ts';

export const DONE_DIR = 'done';
export const FAILED_DIR = 'failed';

/** What `<name>.error.json` holds. */
export interface FileFailure {
  /** Stable error code (`INPUT_BINARY`, `ELASTICSEARCH_REJECTED`...). */
  code: string;
  message: string;
  /** Stage that gave up: `watch`, `ingest`, `extract`, `dedupe`, `index` or `finalize`. */
  stage: string;
  /** Where a bug (INTERNAL) was thrown, for its report. */
  stack?: string;
}

/** Moves an inbox file to done/. Returns the new path, or null when the file is already gone. */
export async function moveToDone(inboxPath: string): Promise<string | null> {
  return moveInto(inboxPath, DONE_DIR);
}

/**
 * Moves an inbox file to failed/ and writes `<name>.error.json` beside it. The report is written
 * even when the file is gone, so the failure is never silent.
 */
export async function moveToFailed(inboxPath: string, failure: FileFailure): Promise<string | null> {
  const moved = await moveInto(inboxPath, FAILED_DIR);
  const target = moved ?? join(dirname(inboxPath), FAILED_DIR, basename(inboxPath));
  const report = { ...failure, time: new Date().toISOString(), file: basename(target) };
  await writeFile(`${target}.error.json`, `${JSON.stringify(report, null, 2)}\n`);
  return moved;
}

export type FileOutcome =
  | { status: 'done'; articles: number; newArticles: number }
  | { status: 'failed'; failure: FileFailure; articles?: number; newArticles?: number };

/**
 * The end of a file's run: record the outcome in the file ledger, then move the file out of the
 * inbox (to done/, or to failed/ with its report). The ledger comes first: if the process dies
 * between the two, the retried job finds the run settled and only finishes the move
 * (`finishSettlement`), where the other order would leave it a file it can no longer read.
 */
export async function settleFile(ledger: FileLedger, file: FileRef, outcome: FileOutcome): Promise<void> {
  const { followers } = await ledger.settle(file.fileHash, file.run, {
    status: outcome.status,
    articles: outcome.articles,
    newArticles: outcome.newArticles,
    error: outcome.status === 'failed' ? outcome.failure : undefined,
  });
  if (file.inboxPath) await moveSettled(file.inboxPath, outcome);
  // Copies dropped while this content was in flight waited for it: they go the same way.
  for (const path of followers) await moveSettled(path, outcome);
}

/**
 * A run the ledger already settled whose file may still be in the inbox (its process died after
 * the ledger write, or the move failed): moves it as the ledger says, if the file there is still
 * that content.
 */
export async function finishSettlement(
  file: FileRef,
  entry: LedgerEntry,
  holdsContent: () => Promise<boolean>,
): Promise<void> {
  if (!file.inboxPath || entry.run !== file.run || entry.status === 'pending') return;
  if (!(await holdsContent())) return;
  const failure = entry.error ? (JSON.parse(entry.error) as FileFailure) : undefined;
  await moveSettled(
    file.inboxPath,
    entry.status === 'done' || !failure
      ? { status: 'done', articles: entry.articles, newArticles: entry.newArticles }
      : { status: 'failed', failure },
  );
}

async function moveSettled(inboxPath: string, outcome: FileOutcome): Promise<void> {
  if (outcome.status === 'done') await moveToDone(inboxPath);
  else await moveToFailed(inboxPath, outcome.failure);
}

async function moveInto(inboxPath: string, folder: string): Promise<string | null> {
  const directory = join(dirname(inboxPath), folder);
  await mkdir(directory, { recursive: true }).catch((error: unknown) => {
    throw moveFailed(inboxPath, folder, error);
  });
  const target = await freeName(directory, basename(inboxPath));
  try {
    await rename(inboxPath, target);
    return target;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw moveFailed(inboxPath, folder, error);
  }
}

/** A full or read-only disk: retryable, and the file stays where it was (never deleted). */
function moveFailed(inboxPath: string, folder: string, error: unknown): SluiceError {
  const name = basename(inboxPath);
  return new SluiceError(
    'FILE_MOVE_FAILED',
    `Cannot move ${name} into ${folder}/ (${(error as Error).message}); it stays in the inbox`,
    { file: name, retryable: true, cause: error },
  );
}

/** `page.txt`, else `page.1.txt`, `page.2.txt`...: a later drop of the same name keeps both. */
async function freeName(directory: string, name: string): Promise<string> {
  const extension = extname(name);
  const stem = name.slice(0, name.length - extension.length);
  for (let n = 0; ; n++) {
    const candidate = join(directory, n === 0 ? name : `${stem}.${n}${extension}`);
    if (!(await exists(candidate))) return candidate;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
