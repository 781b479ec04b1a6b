/**
 * Where processed files go: `<inbox>/done/` and `<inbox>/failed/`, with `<name>.error.json` beside
 * a failed file. Producers (refused and repeated files) and workers (settled files) both move
 * files, so the layout is defined once here.
 */
import { access, mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';

export const DONE_DIR = 'done';
export const FAILED_DIR = 'failed';

/** What `<name>.error.json` holds. */
export interface FileFailure {
  /** Stable error code (`INPUT_BINARY`, `ELASTICSEARCH_REJECTED`...). */
  code: string;
  message: string;
  /** Stage that gave up: `watch`, `ingest`, `extract`, `dedupe`, `index` or `finalize`. */
  stage: string;
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

async function moveInto(inboxPath: string, folder: string): Promise<string | null> {
  const directory = join(dirname(inboxPath), folder);
  await mkdir(directory, { recursive: true });
  const target = await freeName(directory, basename(inboxPath));
  try {
    await rename(inboxPath, target);
    return target;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
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
