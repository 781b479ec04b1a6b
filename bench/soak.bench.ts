/**
 * Soak: does Redis stay bounded however long the pipeline runs (issue 15)? Tens of thousands of
 * varied page files (bench/corpus.ts, made one batch at a time) are ingested, as `sluice ingest
 * --wait` does, into a fresh pipeline whose workers run as a `sluice work` child, with a short
 * SLUICE_DEDUP_WINDOW so that the run lasts many windows. The pipeline gets a redis-server of its
 * own, so `used_memory` is this run's alone. At each checkpoint (every file so far settled) the
 * benchmark reads `used_memory` and the key count, and sorts every key by kind (lib/keys.ts):
 * once past the window, the near-duplicate index and the ledger hold one to two windows of input
 * and BullMQ keeps a bounded number of jobs and events, so the figures stay flat while the files
 * ingested multiply.
 *
 * What a kept file costs, for the arithmetic of a longer window: the ledger's bytes per entry
 * (one entry per file settled within the window) and the near-duplicate index's bytes per stored
 * article (one signature key per article kept), both over the keys Redis holds at the checkpoint.
 */
import { once } from 'node:events';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRedis } from '../lib/connections.ts';
import { createLogger } from '../lib/logger.ts';
import { ingest } from '../producers/ingest-cli/ingest.ts';
import { openProducer } from '../producers/open-producer.ts';
import { OwnRedis } from '../test/own-services.ts';
import { countDocuments, createTestPipeline } from '../test/pipeline-harness.ts';
import type { CorpusFile } from './corpus.ts';
import { processCpuSeconds, redisCpuSeconds } from './process-usage.ts';
import { keyUsage, usedMemory } from './redis-usage.ts';
import { startSluice } from './sluice-child.ts';

export interface SoakOptions {
  /** File `n` of the corpus (made when its batch is written, so the run never holds them all). */
  file: (n: number) => CorpusFile;
  /** File counts at which Redis is measured, ascending; the last is the run's length. */
  checkpoints: readonly number[];
  /** SLUICE_DEDUP_WINDOW of the run (`30s`). */
  window: string;
  /** Unique name of the run: queue prefix and index alias. */
  name: string;
  /** Files per `ingest --wait` call; default SOAK_DEFAULTS.batchFiles. */
  batchFiles?: number;
  /** Called after each batch (progress on stderr). */
  onBatch?: (filesSoFar: number, seconds: number) => void;
}

export const SOAK_DEFAULTS = {
  /**
   * Files per `ingest --wait` call: the pipeline drains at each batch's end, and the workers wait
   * for nothing else (the next batch is written meanwhile).
   */
  batchFiles: 500,
} as const;

/** The kinds of key a pipeline's Redis holds (names from lib/keys.ts and BullMQ's layout). */
export type KeyKind =
  | 'ledger'
  | 'dedup-exact'
  | 'dedup-lsh'
  | 'dedup-sig'
  | 'queue-jobs'
  | 'queue-other'
  | 'other';

/** Keys and `MEMORY USAGE` bytes of one kind. */
export interface KindUsage {
  keys: number;
  bytes: number;
}

export interface SoakCheckpoint {
  files: number;
  /** Seconds since the first file was submitted. */
  seconds: number;
  /** `used_memory` minus that of the empty server, in bytes. */
  usedMemory: number;
  /** `used_memory` as Redis reports it. */
  usedMemoryAbsolute: number;
  keys: number;
  /** `usedMemory` over the files ingested so far (falls as 1/files once Redis is bounded). */
  bytesPerFileIngested: number;
  /** Ledger bytes per entry: what one file settled within the window costs. */
  ledgerBytesPerFile: number;
  /** Near-duplicate index bytes (exact, lsh, sig) per stored article (signature key). */
  dedupBytesPerArticle: number;
  kinds: Record<KeyKind, KindUsage>;
}

export interface SoakReport {
  checkpoints: SoakCheckpoint[];
  seconds: number;
  articles: number;
  documents: number;
  failed: number;
  /** Files that settled after their ledger entry had expired (`ingest --wait` saw none). */
  forgotten: number;
  windowMs: number;
  /** CPU seconds of the worker process and of Redis over the run. */
  workerCpuSeconds: number;
  redisCpuSeconds: number;
}

/** Which kind a key of the pipeline with `prefix` (`{name}`) is. */
export function keyKind(key: string, prefix: string): KeyKind {
  if (!key.startsWith(`${prefix}:`)) return 'other';
  const rest = key.slice(prefix.length + 1);
  if (rest.startsWith('ledger:')) return 'ledger';
  const dedup = /^near-duplicates:[^:]+:(exact|lsh|sig):/.exec(rest);
  if (dedup) return `dedup-${dedup[1]}` as KeyKind;
  // BullMQ: `<queue>:<job id>` (and `:logs`, `:lock`...) per job; the queue's own keys are named words.
  const queue = /^[a-z-]+:([^:]+)/.exec(rest);
  if (queue) return QUEUE_KEYS.has(queue[1] as string) ? 'queue-other' : 'queue-jobs';
  return 'other';
}

/** BullMQ's per-queue keys (not a job's). */
const QUEUE_KEYS = new Set([
  'id',
  'meta',
  'events',
  'wait',
  'waiting',
  'paused',
  'active',
  'prioritized',
  'delayed',
  'completed',
  'failed',
  'stalled',
  'stalled-check',
  'limiter',
  'marker',
  'pc',
  'de',
  'repeat',
  'metrics',
]);

/** Sums key usage by kind. */
export function usageByKind(
  keys: ReadonlyArray<{ key: string; bytes: number }>,
  prefix: string,
): Record<KeyKind, KindUsage> {
  const kinds = Object.fromEntries(
    (['ledger', 'dedup-exact', 'dedup-lsh', 'dedup-sig', 'queue-jobs', 'queue-other', 'other'] as const).map(
      (kind) => [kind, { keys: 0, bytes: 0 }],
    ),
  ) as Record<KeyKind, KindUsage>;
  for (const { key, bytes } of keys) {
    const usage = kinds[keyKind(key, prefix)];
    usage.keys++;
    usage.bytes += bytes;
  }
  return kinds;
}

/**
 * How much the last checkpoint's memory exceeds the first one past the window, as a share of the
 * latter (0.05: 5 % more); flat is near 0 while the files ingested double and double again.
 */
export function memoryGrowth(checkpoints: readonly Pick<SoakCheckpoint, 'usedMemory'>[]): number {
  const first = checkpoints[0]?.usedMemory ?? 0;
  const last = checkpoints.at(-1)?.usedMemory ?? 0;
  return first > 0 ? Math.round(((last - first) / first) * 1000) / 1000 : Number.NaN;
}

export async function benchSoak(options: SoakOptions): Promise<SoakReport> {
  const logger = createLogger({ level: 'warn' });
  const server = await OwnRedis.start();
  const batchDirs = [
    join(tmpdir(), `${options.name}-batch-a`),
    join(tmpdir(), `${options.name}-batch-b`),
  ] as const;
  const pipeline = await createTestPipeline({
    SLUICE_QUEUE_PREFIX: options.name,
    SLUICE_INDEX: options.name,
    REDIS_URL: server.url,
    SLUICE_DEDUP_WINDOW: options.window,
  });
  const { config, elasticsearch } = pipeline;
  const prefix = `{${config.queuePrefix}}`;
  const bench = createRedis(server.url, { name: 'sluice-bench' });
  const batchFiles = options.batchFiles ?? SOAK_DEFAULTS.batchFiles;
  try {
    if (bench.status !== 'ready') await once(bench, 'ready');
    const emptyMemory = await usedMemory(bench);
    const worker = await startSluice(['work'], pipeline.env, 'Workers started.');
    const producer = openProducer(config, logger, 'ingest');
    const checkpoints: SoakCheckpoint[] = [];
    let articles = 0;
    let failed = 0;
    let forgotten = 0;
    const cpuBefore = { worker: processCpuSeconds(worker.pid), redis: await redisCpuSeconds(bench) };
    let cpu = { worker: 0, redis: 0 };
    const started = performance.now();
    const elapsed = () => (performance.now() - started) / 1000;
    try {
      const batches = batchBounds(options.checkpoints, batchFiles);
      // The next batch is written while the workers take this one, so the pipeline seldom idles.
      let written = writeBatch(batchDirs[0], batches[0] ?? [0, 0], options.file);
      for (const [i, [, to]] of batches.entries()) {
        const dir = await written;
        const following = batches[i + 1];
        if (following) written = writeBatch(batchDirs[(i + 1) % 2] as string, following, options.file);
        const summary = await ingest(producer.submitter, producer.ledger, { paths: [dir], wait: true });
        articles += summary.articles;
        failed += summary.failed.length;
        forgotten += summary.forgotten;
        options.onBatch?.(to, elapsed());
        if (options.checkpoints.includes(to)) {
          // Only writing goes on now (nothing queued): the figures are those of settled files.
          checkpoints.push(await measure(bench, prefix, to, elapsed(), emptyMemory));
        }
      }
      await written;
      cpu = {
        worker: processCpuSeconds(worker.pid) - cpuBefore.worker,
        redis: (await redisCpuSeconds(bench)) - cpuBefore.redis,
      };
    } catch (error) {
      logger.error({ log: worker.recentLog() }, 'The soak run failed; the worker log follows.');
      throw error;
    } finally {
      await producer.close();
      await worker.stop();
    }
    const seconds = elapsed();
    return {
      checkpoints,
      seconds,
      articles,
      documents: await countDocuments(elasticsearch, config.index),
      failed,
      forgotten,
      windowMs: config.dedupWindowMs,
      workerCpuSeconds: Math.round(cpu.worker * 10) / 10,
      redisCpuSeconds: Math.round(cpu.redis * 10) / 10,
    };
  } finally {
    for (const dir of batchDirs) await rm(dir, { recursive: true, force: true });
    bench.disconnect();
    // Deletes the run's keys, its index and template (its own Redis goes anyway).
    await pipeline.cleanup();
    await server.destroy();
  }
}

/** `[from, to)` file numbers of each batch: at most `size` files, ending on every checkpoint. */
export function batchBounds(checkpoints: readonly number[], size: number): Array<[number, number]> {
  const bounds: Array<[number, number]> = [];
  const total = checkpoints.at(-1) ?? 0;
  for (let from = 0; from < total; ) {
    const to = Math.min(from + size, checkpoints.find((count) => count > from) ?? total);
    bounds.push([from, to]);
    from = to;
  }
  return bounds;
}

/** Writes files `from` to `to` (exclusive) into a fresh `dir`. */
async function writeBatch(
  dir: string,
  [from, to]: [number, number],
  file: (n: number) => CorpusFile,
): Promise<string> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (let n = from; n < to; n++) {
    const { name, text } = file(n);
    await writeFile(join(dir, `${n}-${name}`), text);
  }
  return dir;
}

/** Redis's memory and keys now, while the workers idle between batches. */
async function measure(
  redis: ReturnType<typeof createRedis>,
  prefix: string,
  files: number,
  seconds: number,
  emptyMemory: number,
): Promise<SoakCheckpoint> {
  // The last batch's completed jobs and events are written as its files settle: let them land.
  await sleep(200);
  const absolute = await usedMemory(redis);
  const keys = await keyUsage(redis);
  const kinds = usageByKind(keys, prefix);
  const dedupBytes = kinds['dedup-exact'].bytes + kinds['dedup-lsh'].bytes + kinds['dedup-sig'].bytes;
  const used = absolute - emptyMemory;
  return {
    files,
    seconds: Math.round(seconds * 10) / 10,
    usedMemory: used,
    usedMemoryAbsolute: absolute,
    keys: keys.length,
    bytesPerFileIngested: Math.round(used / files),
    ledgerBytesPerFile: Math.round(kinds.ledger.bytes / Math.max(1, kinds.ledger.keys)),
    dedupBytesPerArticle: Math.round(dedupBytes / Math.max(1, kinds['dedup-sig'].keys)),
    kinds,
  };
}
