/**
 * The CLI producer: submits files, folders (recursively) and stdin for a backfill, and with
 * `wait` follows every submitted file in the file ledger until it is settled (done or failed).
 */
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { forEachConcurrently } from '../../lib/concurrency.ts';
import type { FileLedger, LedgerEntry } from '../../lib/file-ledger.ts';
import { isIgnoredName } from '../../lib/ignored-names.ts';
import type { FileSubmitter, Submission } from '../file-submitter.ts';

export interface IngestOptions {
  /** Files, folders (walked recursively, hidden and temporary names skipped) and `-` for stdin. */
  paths: readonly string[];
  /** Follow the submitted files until each is done or failed. */
  wait: boolean;
  /** Read for `-`; default process.stdin. */
  stdin?: NodeJS.ReadableStream;
  /** Files submitted at once; default 4. */
  concurrency?: number;
  /** How often the ledger is read while waiting, in ms; default 200. */
  pollMs?: number;
  /** Progress: files settled (or submitted, without `wait`) out of the total. */
  onProgress?: (progress: { done: number; total: number }) => void;
  /** While waiting: notice when no worker takes the queued jobs (issue 16). */
  noWorkers?: NoWorkersCheck;
}

export interface NoWorkersCheck {
  /** True when jobs wait and none is being worked on. */
  untaken(): Promise<boolean>;
  /** How long that must last, with nothing settling, before `notice` is called (once); default 5000 ms. */
  afterMs?: number;
  notice(): void;
}

export interface FileReport {
  fileName: string;
  /** `CODE: message`. */
  error: string;
}

export interface IngestSummary {
  files: number;
  queued: number;
  /** Same content seen before (settled or in flight): not processed again. */
  repeats: number;
  /** Files this run queued that ended done while waiting (0 without `wait`); repeats are not counted. */
  done: number;
  /** Refused by the producer, or failed in a stage. */
  failed: FileReport[];
  /**
   * Files this run queued that settled but whose ledger entry expired (SLUICE_DEDUP_WINDOW) before
   * the wait read it: their outcome is unknown here (the audit and the index have it).
   */
  forgotten: number;
  /** Articles on this run's done files, and how many were new documents (the rest merged into existing ones). */
  articles: number;
  newArticles: number;
  seconds: number;
}

export async function ingest(
  submitter: FileSubmitter,
  ledger: FileLedger,
  options: IngestOptions,
): Promise<IngestSummary> {
  const started = performance.now();
  const sources = await expandPaths(options.paths);
  const total = sources.length;
  const submissions: Submission[] = [];
  let settledAtSubmit = 0;
  const report = () =>
    options.onProgress?.({ done: options.wait ? settledAtSubmit : submissions.length, total });

  await forEachConcurrently(sources, options.concurrency ?? 4, async (source) => {
    const submission =
      source === '-'
        ? await submitter.submitBytes({
            bytes: await readAll(options.stdin ?? process.stdin),
            fileName: 'stdin',
            path: '-',
            capturedAt: new Date(),
          })
        : await submitter.submitPath(source);
    submissions.push(submission);
    if (submission.outcome === 'refused' || submission.outcome === 'vanished') settledAtSubmit++;
    report();
  });

  const summary: IngestSummary = {
    files: total,
    queued: submissions.filter((s) => s.outcome === 'queued' || s.outcome === 'resumed').length,
    repeats: submissions.filter((s) => s.outcome === 'repeat').length,
    done: 0,
    failed: submissions.flatMap((s) => {
      if (s.outcome === 'refused')
        return [{ fileName: s.fileName, error: `${s.failure.code}: ${s.failure.message}` }];
      if (s.outcome === 'vanished')
        return [{ fileName: s.fileName, error: `INPUT_UNREADABLE: ${s.fileName} does not exist` }];
      return [];
    }),
    forgotten: 0,
    articles: 0,
    newArticles: 0,
    seconds: 0,
  };
  if (options.wait) {
    const followed = submissions.filter((s) => 'fileHash' in s);
    const entries = await waitUntilSettled(
      ledger,
      followed,
      options.pollMs ?? 200,
      (settled) => options.onProgress?.({ done: settledAtSubmit + settled, total }),
      options.noWorkers,
    );
    entries.forEach((entry, i) => {
      // A repeat is another run's work (waited for, so what this run asked for is searchable, not counted).
      if (followed[i]?.outcome === 'repeat') return;
      if (entry === FORGOTTEN) summary.forgotten++;
      else if (entry.status === 'done') {
        summary.done++;
        summary.articles += entry.articles;
        summary.newArticles += entry.newArticles;
      } else {
        const error = entry.error ? (JSON.parse(entry.error) as { code: string; message: string }) : null;
        summary.failed.push({
          fileName: followed[i]?.fileName ?? entry.fileName,
          error: error ? `${error.code}: ${error.message}` : 'failed',
        });
      }
    });
  }
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}

/** Most pending files read per round trip while waiting. */
const POLL_CHUNK = 100;

/**
 * A followed file whose ledger entry is gone. A pending entry never expires, so it settled and
 * its entry outlived the window before a poll read it (a window shorter than the wait).
 */
const FORGOTTEN = 'forgotten';

/**
 * Polls only files still pending (settled entries do not change), in submission order, in chunks
 * that start at one file and double while every file read has settled: a file still pending ends
 * the poll, since the files after it were mostly submitted later. A poll therefore reads what
 * settled since the last one plus about one file (each read is a Redis command).
 */
async function waitUntilSettled(
  ledger: FileLedger,
  submissions: Submission[],
  pollMs: number,
  onSettled: (settled: number) => void,
  noWorkers: NoWorkersCheck | undefined,
): Promise<Array<LedgerEntry | typeof FORGOTTEN>> {
  const hashes = submissions.map((s) => ('fileHash' in s ? s.fileHash : ''));
  const entries: Array<LedgerEntry | typeof FORGOTTEN> = new Array(hashes.length);
  let pending = hashes.map((_, i) => i);
  const watchWorkers = noWorkers && noWorkersWatch(noWorkers);
  for (;;) {
    const stillPending: number[] = [];
    let read = 0;
    let size = 1;
    while (read < pending.length && stillPending.length === 0) {
      const chunk = pending.slice(read, read + size);
      read += chunk.length;
      size = Math.min(POLL_CHUNK, size * 2);
      const found = await ledger.getMany(chunk.map((i) => hashes[i] as string));
      chunk.forEach((at, k) => {
        const entry = found[k];
        if (entry?.status === 'pending') stillPending.push(at);
        else entries[at] = entry ?? FORGOTTEN;
      });
    }
    const settledBefore = hashes.length - pending.length;
    pending = [...stillPending, ...pending.slice(read)];
    onSettled(hashes.length - pending.length);
    if (pending.length === 0) return entries;
    await watchWorkers?.(hashes.length - pending.length > settledBefore);
    await sleep(pollMs);
  }
}

/**
 * Called once per poll with whether anything settled: calls `notice` once when jobs have waited
 * untaken, with nothing settling, for `afterMs`. A file settling starts the clock again.
 */
function noWorkersWatch(check: NoWorkersCheck): (progressed: boolean) => Promise<void> {
  const afterMs = check.afterMs ?? 5000;
  let idleSince: number | undefined;
  let noticed = false;
  return async (progressed) => {
    if (noticed) return;
    if (progressed || !(await check.untaken())) {
      idleSince = undefined;
      return;
    }
    idleSince ??= Date.now();
    if (Date.now() - idleSince >= afterMs) {
      noticed = true;
      check.notice();
    }
  };
}

/** Files in the order given, folders expanded to their files in name order. */
export async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    if (path === '-') {
      files.push(path);
      continue;
    }
    const absolute = resolve(path);
    const entries = await readdir(absolute, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      // A file, or nothing at all: the submitter reports a missing file.
      if (error.code === 'ENOTDIR' || error.code === 'ENOENT') return null;
      throw error;
    });
    if (!entries) {
      files.push(absolute);
      continue;
    }
    const children = entries
      .filter((entry) => !isIgnoredName(entry.name) && (entry.isFile() || entry.isDirectory()))
      .map((entry) => join(absolute, entry.name))
      .sort();
    files.push(...(await expandPaths(children)));
  }
  return files;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}
