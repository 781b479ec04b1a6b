/**
 * Gathers what `sluice audit` reconciles: the files in the inbox, done/ and failed/ (hashed, so
 * they can be matched with the ledger whatever they were renamed to), every file ledger entry,
 * the state of the jobs of unsettled files, job counts per queue, and the sightings per file in
 * Elasticsearch. Reads only; changes nothing.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Client, errors } from '@elastic/elasticsearch';
import { forEachConcurrently } from '../../lib/concurrency.ts';
import { type RedisClient, scanKeys } from '../../lib/connections.ts';
import { hashFile } from '../../lib/file-hash.ts';
import type { FileLedger } from '../../lib/file-ledger.ts';
import { isIgnoredName } from '../../lib/ignored-names.ts';
import { DONE_DIR, FAILED_DIR, REPORT_SUFFIX, reportName } from '../../lib/inbox.ts';
import { jobIds, type PartitionedQueues, type QueueName } from '../../lib/queues.ts';
import type { AuditFacts, FailedFile, FoundFile, LiveJobState } from './reconcile.ts';

export interface AuditSources {
  /** Absolute path of the watched folder. */
  inbox: string;
  redis: RedisClient;
  ledger: FileLedger;
  queues: PartitionedQueues;
  elasticsearch: Client;
  /** The alias searched (`SLUICE_INDEX`). */
  index: string;
  /** SLUICE_DEDUP_WINDOW, in ms: how long settled ledger entries are kept. */
  windowMs: number;
}

/** Files hashed (or reports read) at once. */
const FILE_CONCURRENCY = 16;

export async function gatherFacts(sources: AuditSources): Promise<AuditFacts> {
  const [inbox, ignored, done, failedFolder, ledger, jobs, index] = await Promise.all([
    listFiles(sources.inbox, (name) => !isIgnoredName(name)),
    listNames(sources.inbox, isIgnoredName),
    listFiles(join(sources.inbox, DONE_DIR)),
    readFailedFolder(join(sources.inbox, FAILED_DIR)),
    readLedger(sources.redis, sources.ledger),
    countJobs(sources.queues),
    readSightings(sources.elasticsearch, sources.index),
  ]);
  const pending = ledger.filter(({ entry }) => entry.status === 'pending');
  const pendingJobs: Record<string, LiveJobState> = {};
  await forEachConcurrently(pending, FILE_CONCURRENCY, async ({ fileHash, entry }) => {
    pendingJobs[fileHash] = await liveJobState(sources.queues, { fileHash, run: entry.run });
  });
  return {
    inbox,
    ignored,
    done,
    ...failedFolder,
    inboxPath: sources.inbox,
    ledger,
    pendingJobs,
    jobs,
    index,
    windowMs: sources.windowMs,
    now: Date.now(),
  };
}

/** Names of the regular files directly in `folder` that `keep` keeps (not read). */
async function listNames(folder: string, keep: (name: string) => boolean): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile() && keep(entry.name))
    .map((entry) => entry.name)
    .sort();
}

/** Regular files and symlinks directly in `folder` (symlinks are listed, never followed). */
async function listFiles(folder: string, keep: (name: string) => boolean = () => true): Promise<FoundFile[]> {
  const entries = await readdir(folder, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const candidates = entries.filter(
    (entry) => (entry.isFile() || entry.isSymbolicLink()) && keep(entry.name),
  );
  const files: FoundFile[] = [];
  await forEachConcurrently(candidates, FILE_CONCURRENCY, async (entry) => {
    const path = join(folder, entry.name);
    const fileHash = entry.isFile() ? await hashFile(path).catch(() => null) : null;
    const changedAt = await lstat(path).then(
      (stats) => stats.ctimeMs,
      () => undefined,
    );
    files.push({ name: entry.name, fileHash, changedAt });
  });
  return files.sort((a, b) => a.name.localeCompare(b.name));
}

async function readFailedFolder(folder: string): Promise<Pick<AuditFacts, 'failed' | 'reportsWithoutFile'>> {
  const all = await listFiles(folder);
  const names = new Set(all.map((file) => file.name));
  // `x.error.json` is a report, unless it has a report of its own (an input of that name failed).
  const isReport = (name: string) => name.endsWith(REPORT_SUFFIX) && !names.has(reportName(name));
  const reports = new Set(all.filter((file) => isReport(file.name)).map((file) => file.name));
  const inputs = all.filter((file) => !reports.has(file.name));
  const failed: FailedFile[] = await Promise.all(
    inputs.map(async (file) => ({
      ...file,
      reportCode: reports.has(reportName(file.name))
        ? await readReportCode(join(folder, reportName(file.name)))
        : null,
    })),
  );
  const paired = new Set(inputs.map((file) => reportName(file.name)));
  const reportsWithoutFile = [...reports].filter((report) => !paired.has(report));
  return { failed, reportsWithoutFile };
}

async function readReportCode(path: string): Promise<string | null> {
  try {
    const report = JSON.parse(await readFile(path, 'utf8')) as { code?: unknown };
    return typeof report.code === 'string' ? report.code : null;
  } catch {
    return null;
  }
}

async function readLedger(redis: RedisClient, ledger: FileLedger): Promise<AuditFacts['ledger']> {
  const hashes: string[] = [];
  for (const pattern of ledger.keyPatterns())
    for await (const keys of scanKeys(redis, pattern, 10_000))
      for (const key of keys) hashes.push(key.slice(key.lastIndexOf(':') + 1));
  const entries = await ledger.getMany(hashes);
  return hashes.flatMap((fileHash, i) => {
    const entry = entries[i];
    return entry ? [{ fileHash, entry }] : [];
  });
}

/** Where an unsettled file's run is: its finalize parent once extracted, else its extract job. */
async function liveJobState(
  queues: PartitionedQueues,
  file: { fileHash: string; run: number },
): Promise<LiveJobState> {
  return queues.files.getJobState(jobIds.file(file));
}

async function countJobs(queues: PartitionedQueues): Promise<AuditFacts['jobs']> {
  const entries = await Promise.all(
    Object.entries(queues).map(async ([name, queue]) => [name, await queue.getJobCounts()] as const),
  );
  return Object.fromEntries(entries) as Record<QueueName, Record<string, number>>;
}

/**
 * Documents, and sightings per file content hash, paged through a composite aggregation; or, in
 * a sentence, why the index cannot be read (the audit reports it as one problem).
 */
async function readSightings(elasticsearch: Client, index: string): Promise<AuditFacts['index']> {
  if (!(await elasticsearch.indices.existsAlias({ name: index }))) {
    const concrete = await elasticsearch.indices.exists({ index });
    return {
      unavailable: concrete
        ? `"${index}" is a concrete index, not Sluice's alias (created by a bulk request after the index was deleted?)`
        : `The alias "${index}" does not exist (was the index deleted? \`sluice setup\` creates it again)`,
    };
  }
  try {
    return await countSightings(elasticsearch, index);
  } catch (error) {
    if (!(error instanceof errors.ResponseError) || (error.statusCode ?? 500) >= 500) throw error;
    return { unavailable: `The index behind "${index}" cannot be read as Sluice's (${error.message})` };
  }
}

async function countSightings(
  elasticsearch: Client,
  index: string,
): Promise<{ documents: number; sightingsByFile: Record<string, number> }> {
  await elasticsearch.indices.refresh({ index });
  const { count: documents } = await elasticsearch.count({ index });
  const sightingsByFile: Record<string, number> = {};
  let after: Record<string, string | number | boolean | null> | undefined;
  for (;;) {
    const response = await elasticsearch.search({
      index,
      size: 0,
      aggs: {
        sightings: {
          nested: { path: 'sightings' },
          aggs: {
            files: {
              composite: {
                size: 5000,
                sources: [{ fileHash: { terms: { field: 'sightings.fileHash' } } }],
                ...(after ? { after } : {}),
              },
            },
          },
        },
      },
    });
    const aggregations = response.aggregations as unknown as {
      sightings: {
        files: {
          buckets: Array<{ key: { fileHash: string }; doc_count: number }>;
          after_key?: Record<string, string>;
        };
      };
    };
    const { files } = aggregations.sightings;
    for (const bucket of files.buckets) sightingsByFile[bucket.key.fileHash] = bucket.doc_count;
    if (files.buckets.length === 0 || !files.after_key) break;
    after = files.after_key;
  }
  return { documents, sightingsByFile };
}
