/**
 * The stored pages a reindex reads (issue 17): every file under `<inbox>/done/` and the `--from`
 * folders, and the stdin input kept in the spool that was indexed, one per content, oldest first.
 *
 * The spool (SLUICE_SPOOL_DIR) keeps every stdin input under its SHA-256 (producers/file-submitter.ts),
 * whatever became of it: it has no done/ of its own, and the file ledger that knows the outcome
 * forgets it after SLUICE_DEDUP_WINDOW. What lasts is the index: the inputs that have a sighting
 * in the index being rebuilt are the ones that were indexed (one search per 1,000 inputs). An
 * input that failed, or gave no article, is left out, as a file in failed/ is.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Client } from '@elastic/elasticsearch';
import { hashFile } from '../../lib/file-hash.ts';
import { isIgnoredName } from '../../lib/ignored-names.ts';

export const STORED_PAGES_DEFAULTS = {
  /** Spooled contents asked about per search (a terms query and aggregation of this many hashes). */
  hashesPerSearch: 1000,
} as const;

export interface StoredPage {
  path: string;
  fileHash: string;
  mtimeMs: number;
  /** The name its job and sightings carry: the file's, or `stdin` for a spooled input (as ingest named it). */
  fileName: string;
}

/** A spooled input's name: its content's SHA-256 (temporary files end in `.tmp`). */
const SPOOLED_NAME = /^[0-9a-f]{64}$/;

/** Every stored page under the folders (recursively), and `more`, one per content, oldest first. */
export async function listStoredPages(
  folders: readonly string[],
  more: readonly StoredPage[] = [],
): Promise<StoredPage[]> {
  const byHash = new Map<string, StoredPage>();
  const add = (page: StoredPage) => {
    const seen = byHash.get(page.fileHash);
    if (!seen || page.mtimeMs < seen.mtimeMs) byHash.set(page.fileHash, page);
  };
  for (const folder of folders) {
    for (const path of await walk(resolve(folder))) {
      const info = await stat(path);
      add({ path, fileHash: await hashFile(path), mtimeMs: info.mtimeMs, fileName: basename(path) });
    }
  }
  for (const page of more) add(page);
  return [...byHash.values()].sort((a, b) => a.mtimeMs - b.mtimeMs || a.path.localeCompare(b.path));
}

/**
 * The spooled stdin inputs that have a sighting in `index` (module comment). The name is trusted
 * as the hash here; the job checks the bytes against it (INPUT_CHANGED otherwise).
 */
export async function listSpooledPages(
  spoolDir: string,
  elasticsearch: Client,
  index: string,
): Promise<StoredPage[]> {
  const names = (await entries(resolve(spoolDir)))
    .filter((entry) => entry.isFile() && SPOOLED_NAME.test(entry.name))
    .map((entry) => entry.name);
  const pages: StoredPage[] = [];
  for (let at = 0; at < names.length; at += STORED_PAGES_DEFAULTS.hashesPerSearch) {
    const chunk = names.slice(at, at + STORED_PAGES_DEFAULTS.hashesPerSearch);
    for (const fileHash of await indexedContents(elasticsearch, index, chunk)) {
      const path = join(resolve(spoolDir), fileHash);
      const info = await stat(path).catch(() => null);
      if (info) pages.push({ path, fileHash, mtimeMs: info.mtimeMs, fileName: 'stdin' });
    }
  }
  return pages;
}

/** Which of these contents have a sighting in `index`. */
async function indexedContents(
  elasticsearch: Client,
  index: string,
  fileHashes: readonly string[],
): Promise<string[]> {
  const terms = { 'sightings.fileHash': [...fileHashes] };
  const response = await elasticsearch.search({
    index,
    size: 0,
    query: { nested: { path: 'sightings', query: { terms } } },
    aggs: {
      sightings: {
        nested: { path: 'sightings' },
        aggs: {
          asked: {
            filter: { terms },
            aggs: { contents: { terms: { field: 'sightings.fileHash', size: fileHashes.length } } },
          },
        },
      },
    },
  });
  const sightings = response.aggregations?.sightings as
    | { asked: { contents: { buckets: Array<{ key: string }> } } }
    | undefined;
  return sightings?.asked.contents.buckets.map((bucket) => bucket.key) ?? [];
}

async function entries(folder: string) {
  return readdir(folder, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
}

async function walk(folder: string): Promise<string[]> {
  const paths: string[] = [];
  for (const entry of await entries(folder)) {
    if (isIgnoredName(entry.name)) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) paths.push(...(await walk(path)));
    else if (entry.isFile() && !entry.name.endsWith('.error.json')) paths.push(path);
  }
  return paths;
}
