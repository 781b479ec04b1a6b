/**
 * Where processed files go: `<inbox>/done/` and `<inbox>/failed/`, with `<name>.error.json` beside
 * a failed file, never replacing a file there, and how a file's run is settled. Producers (refused, repeated and abandoned
 * files) and workers (finished files) both do it, so it is defined once here.
 */
import { createHash } from 'node:crypto';
import { link, lstat, mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { InputError, SluiceError } from './errors.ts';
import { hashFile } from './file-hash.ts';
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

/**
 * The path of a file directly in `inbox` (not in done/ or failed/), else an INPUT_OUTSIDE_INBOX
 * error: a job names the file to move, and whatever can add or edit a job (the queue board,
 * anything with access to Redis) must not make Sluice move a file from anywhere else.
 */
export function inboxFile(inbox: string, path: string): string {
  const resolved = resolve(path);
  const name = basename(resolved);
  if (dirname(resolved) === resolve(inbox) && name !== DONE_DIR && name !== FAILED_DIR) return resolved;
  throw new InputError(
    'INPUT_OUTSIDE_INBOX',
    `${name}: ${path} is not a file of the inbox ${inbox}; it is not moved`,
    { file: name },
  );
}

/** Moves a file of `inbox` to done/. Returns the new path, or null when the file is already gone. */
export async function moveToDone(inbox: string, path: string): Promise<string | null> {
  const source = inboxFile(inbox, path);
  return moveInto(source, join(dirname(source), DONE_DIR));
}

/**
 * Moves a file of `inbox` to failed/ with its report, `reportName(<name>)`, beside it. The name is
 * chosen so that neither the file nor its report replaces anything (the report is written
 * exclusively first, reserving the name). The report is written even when the file is gone, so
 * the failure is never silent.
 */
export async function moveToFailed(
  inbox: string,
  path: string,
  failure: FileFailure,
): Promise<string | null> {
  const time = new Date().toISOString();
  const source = inboxFile(inbox, path);
  return moveInto(source, join(dirname(source), FAILED_DIR), {
    path: (target) => join(dirname(target), reportName(basename(target))),
    content: (target) => `${JSON.stringify({ ...failure, time, file: basename(target) }, null, 2)}\n`,
  });
}

/**
 * Whether a file of `inbox` whose inode has other names (`file`: its dev and ino) is being moved
 * out by its own settlement: a move links it into done/ or failed/ before it unlinks the inbox
 * name, so a reader in between sees two links. Its other name is then one a move gives it: the
 * first of `page.txt`, `page.1.txt`... free in that folder (in failed/, free of a report too).
 * The search ends at the first name free of both, as the move's own search does, so it costs
 * what that move cost. A hard link from anywhere else is not found (it is refused).
 */
export async function isBeingMoved(
  inbox: string,
  path: string,
  file: { dev: number; ino: number },
): Promise<boolean> {
  let source: string;
  try {
    source = inboxFile(inbox, path);
  } catch {
    return false;
  }
  for (const folder of [DONE_DIR, FAILED_DIR]) {
    const directory = join(dirname(source), folder);
    for (let n = 0; ; n++) {
      const target = join(directory, candidateName(basename(source), n));
      const found = await lstat(target).catch(() => null);
      if (found && found.dev === file.dev && found.ino === file.ino) return true;
      if (!found && !(await present(join(directory, reportName(basename(target)))))) break;
    }
  }
  return false;
}

/** The longest file name most file systems take (ext4, XFS, Btrfs, APFS...), in bytes. */
const NAME_MAX_BYTES = 255;
export const REPORT_SUFFIX = '.error.json';

/**
 * The name of a failed file's report: `<name>.error.json`, or, when that is too long for the
 * file system, the name cut short and tagged with a hash of the whole name (the report's
 * `file` field holds the whole name).
 */
export function reportName(name: string): string {
  const plain = `${name}${REPORT_SUFFIX}`;
  if (Buffer.byteLength(plain) <= NAME_MAX_BYTES) return plain;
  const tag = `~${createHash('sha256').update(name).digest('hex').slice(0, 12)}${REPORT_SUFFIX}`;
  return `${truncateBytes(name, NAME_MAX_BYTES - tag.length)}${tag}`;
}

export type FileOutcome =
  | { status: 'done'; articles: number; newArticles: number }
  | { status: 'failed'; failure: FileFailure; articles?: number; newArticles?: number };

/**
 * The end of a file's run: record the outcome in the file ledger, then move the file out of the
 * inbox (to done/, or to failed/ with its report); a path outside the ledger's inbox is refused
 * before anything is written (INPUT_OUTSIDE_INBOX). The ledger comes first: if the process dies
 * between the two, the retried job finds the run settled and only finishes the move
 * (`finishSettlement`), where the other order would leave it a file it can no longer read.
 *
 * Then the moved file is hashed again: a writer still writing (through a descriptor it keeps
 * open, its bytes follow the file wherever it is moved) may have changed it after it was read.
 * Then what done/ or failed/ holds is not what was processed: `retract` takes back what the run
 * indexed, the run is recorded as superseded (INPUT_CHANGED), and the file goes back into the
 * inbox, under its name or the next free one, to be processed as its new content. Returns
 * whether that happened, and where the file is back.
 */
export async function settleFile(
  ledger: FileLedger,
  file: FileRef,
  outcome: FileOutcome,
  retract?: () => Promise<void>,
): Promise<{ status: 'settled' } | { status: 'superseded'; backAt: string | null }> {
  const inboxPath = file.inboxPath ? inboxFile(ledger.inbox, file.inboxPath) : null;
  const { followers } = await ledger.settle(file.fileHash, file.run, {
    status: outcome.status,
    articles: outcome.articles,
    newArticles: outcome.newArticles,
    error: outcome.status === 'failed' ? outcome.failure : undefined,
  });
  const moved = inboxPath ? await moveSettled(ledger.inbox, inboxPath, outcome) : null;
  if (moved && (await hashFile(moved).catch(() => file.fileHash)) !== file.fileHash) {
    await retract?.();
    await ledger.settle(file.fileHash, file.run, {
      status: 'failed',
      error: {
        code: 'INPUT_CHANGED',
        message:
          'The file changed after it was read (still being written); it is processed again as its new content.',
        stage: 'finalize',
      },
    });
    // Its report described content that is no longer there.
    if (outcome.status === 'failed')
      await unlink(join(dirname(moved), reportName(basename(moved)))).catch(() => undefined);
    const backAt = await moveInto(moved, resolve(ledger.inbox));
    // Copies that followed the superseded content hold it still: they stay in the inbox, where
    // the folder producer's sweep submits them again as that content.
    return { status: 'superseded', backAt };
  }
  // Copies dropped while this content was in flight waited for it: they go the same way.
  for (const path of followers) await moveSettled(ledger.inbox, path, outcome);
  return { status: 'settled' };
}

/**
 * A run the ledger already settled whose file may still be in the inbox (its process died after
 * the ledger write, or the move failed): moves it as the ledger says, if the file there is still
 * that content.
 */
export async function finishSettlement(
  inbox: string,
  file: FileRef,
  entry: LedgerEntry,
  holdsContent: () => Promise<boolean>,
): Promise<void> {
  if (!file.inboxPath || entry.run !== file.run || entry.status === 'pending') return;
  if (!(await holdsContent())) return;
  const failure = entry.error ? (JSON.parse(entry.error) as FileFailure) : undefined;
  await moveSettled(
    inbox,
    file.inboxPath,
    entry.status === 'done' || !failure
      ? { status: 'done', articles: entry.articles, newArticles: entry.newArticles }
      : { status: 'failed', failure },
  );
}

async function moveSettled(inbox: string, path: string, outcome: FileOutcome): Promise<string | null> {
  return outcome.status === 'done' ? moveToDone(inbox, path) : moveToFailed(inbox, path, outcome.failure);
}

/**
 * Moves a file into `directory` under its own name, else the first free one of `page.1.txt`,
 * `page.2.txt`...: never over a file, even with other processes moving files of colliding names
 * at once (issue 13: checking that a name is free, then renaming, let a second mover replace the
 * first one's file).
 */
async function moveInto(inboxPath: string, directory: string, companion?: Companion): Promise<string | null> {
  const failed = (error: unknown) => {
    throw moveFailed(inboxPath, directory, error);
  };
  await mkdir(directory, { recursive: true }).catch(failed);
  for (let n = 0; ; n++) {
    const target = join(directory, candidateName(basename(inboxPath), n));
    const reserved = companion ? await reserve(companion, target).catch(failed) : false;
    // A companion name taken means the name is taken, unless by this file's own interrupted move.
    if (companion && !reserved && !(await sameFile(inboxPath, target))) continue;
    const placed = await place(inboxPath, target).catch(failed);
    if (placed === 'moved') return target;
    // Gone: its companion stays (the report of a vanished file), but never beside another file.
    if (placed === 'gone' && !(await present(target))) return null;
    if (reserved && companion) await unlink(companion.path(target)).catch(failed);
  }
}

/** A file written beside the moved one under a name derived from its own: the error report. */
interface Companion {
  path(target: string): string;
  content(target: string): string;
}

/** Writes the companion of `target` if its name is free; false when it is taken. */
async function reserve(companion: Companion, target: string): Promise<boolean> {
  const path = companion.path(target);
  try {
    await writeFile(path, companion.content(target), { flag: 'wx' });
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    await unlink(path).catch(() => undefined); // a half-written report (disk full) is no report
    throw error;
  }
}

type Placement = 'moved' | 'taken' | 'gone';

/**
 * Gives `source` the name `target` unless that name is taken: `link()` fails on a taken name,
 * where `rename()` would replace it. The source is unlinked once the link exists, and only if
 * it is still the file linked (one put in its place meanwhile stays in the inbox).
 */
async function place(source: string, target: string): Promise<Placement> {
  try {
    await link(source, target);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' && !(await present(source))) return 'gone';
    if (code !== undefined && LINKS_REFUSED.has(code)) return renameOntoReservation(source, target);
    if (code !== 'EEXIST') throw error;
    // Taken, unless by this very file: a move interrupted between its link and its unlink.
    if (!(await sameFile(source, target))) return 'taken';
  }
  if (await sameFile(source, target)) {
    await unlink(source).catch((error: unknown) => {
      if (errorCode(error) !== 'ENOENT') throw error;
    });
  }
  return 'moved';
}

/**
 * Why `link()` may be refused where a rename works: a file of another user under
 * `fs.protected_hardlinks` (EPERM), a file system without hard links, a file at its link limit.
 */
const LINKS_REFUSED: ReadonlySet<string> = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'ENOSYS']);

/** Without links: the name is reserved by creating it exclusively, then the file renamed onto its own reservation. */
async function renameOntoReservation(source: string, target: string): Promise<Placement> {
  try {
    await writeFile(target, '', { flag: 'wx' });
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return 'taken';
    throw error;
  }
  try {
    await rename(source, target);
    return 'moved';
  } catch (error) {
    await unlink(target).catch(() => undefined);
    if (errorCode(error) === 'ENOENT') return 'gone';
    throw error;
  }
}

/** A full or read-only disk: retryable, and the file stays where it was (never deleted). */
function moveFailed(source: string, directory: string, error: unknown): SluiceError {
  const name = basename(source);
  const from = basename(dirname(source));
  const stays = from === DONE_DIR || from === FAILED_DIR ? `${from}/` : 'the inbox';
  return new SluiceError(
    'FILE_MOVE_FAILED',
    `Cannot move ${name} into ${basename(directory)}/ (${(error as Error).message}); it stays in ${stays}`,
    { file: name, retryable: true, cause: error },
  );
}

/**
 * `page.txt` for 0, else `page.<n>.txt`: a later drop of the same name keeps both. A name that
 * would grow too long for the file system loses the end of its stem instead.
 */
function candidateName(name: string, n: number): string {
  if (n === 0) return name;
  const found = extname(name);
  // A long "extension" is the tail of a dotted name, not a type worth keeping.
  const extension = found.length <= MAX_EXTENSION_CHARS ? found : '';
  const suffix = `.${n}${extension}`;
  const stem = name.slice(0, name.length - extension.length);
  return `${truncateBytes(stem, NAME_MAX_BYTES - Buffer.byteLength(suffix))}${suffix}`;
}

/** Longest extension kept when a name is shortened (`.html`, `.json`, `.txt`...). */
const MAX_EXTENSION_CHARS = 16;

/** The longest prefix of `text` that fits in `maxBytes` of UTF-8, cut between characters. */
function truncateBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const character of text) {
    bytes += Buffer.byteLength(character);
    if (bytes > maxBytes) break;
    end += character.length;
  }
  return text.slice(0, end);
}

/** True when both paths name one file (the same inode); false when either is missing. */
async function sameFile(a: string, b: string): Promise<boolean> {
  const [first, second] = await Promise.all([lstat(a).catch(() => null), lstat(b).catch(() => null)]);
  return first !== null && second !== null && first.dev === second.dev && first.ino === second.ino;
}

async function present(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => null)) !== null;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}
