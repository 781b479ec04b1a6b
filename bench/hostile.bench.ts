/**
 * Hostile input beside valid input (issue 13, item 7): the reproduction run through the
 * extract sandbox as the extract worker would run it, SLUICE_EXTRACT_CONCURRENCY jobs at once,
 * one thread each, with the configured (default) limits. Dropped at once, in this order: three
 * 1.1 MB pages of 100,000 nested `<div><span>` (never closed), the 40 aggregator pages, then a 15.6 MB
 * entity-heavy HTML page. Figures: when the valid pages were extracted, against the same 40 pages
 * alone in the same process just before; how and when each hostile page failed; and the peak RSS
 * of the process (VmHWM), alone and with the hostile pages. On the event loop (before the
 * sandbox) the issue measured the first valid page 259 s late and 3 GB of RSS.
 *
 * Runs in a fresh process so that its peak RSS is the sandbox's alone:
 *   node --import tsx bench/hostile.bench.ts
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../lib/config.ts';
import { SluiceError } from '../lib/errors.ts';
import { ExtractSandbox } from '../workers/extract/extract-sandbox.ts';
import { processMemory } from './process-usage.ts';
import { median } from './stats.ts';

export interface HostileBenchResult {
  hostile_valid_files: number;
  /** Extract jobs (and threads) at once: SLUICE_EXTRACT_CONCURRENCY. */
  hostile_concurrency: number;
  hostile_time_limit_ms: number;
  hostile_heap_limit_mb: number;
  /** From the drop to the first valid page extracted, ms: beside the hostile pages, and alone. */
  hostile_first_valid_ms: number;
  hostile_first_valid_solo_ms: number;
  /** From the drop to the last valid page extracted, ms. */
  hostile_all_valid_ms: number;
  hostile_all_valid_solo_ms: number;
  /**
   * One valid page's extract call, median and slowest, ms. Alone, the pages take every slot and
   * share the cores with each other; beside the hostile pages they have one slot.
   */
  hostile_valid_p50_ms: number;
  hostile_valid_max_ms: number;
  hostile_valid_solo_p50_ms: number;
  /** Each hostile page: its code and when it failed, from the drop. */
  hostile_outcomes: string;
  /** Slowest hostile page to fail, ms from the drop. */
  hostile_slowest_failure_ms: number;
  /** Peak RSS of the process, MB: after the valid pages alone, and at the end. */
  hostile_worker_peak_rss_solo_mb: number;
  hostile_worker_peak_rss_mb: number;
}

const CHILD_FLAG = '--child';
const AGGREGATOR_PAGES = new URL('../../shared/data/aggregator-pages/pages/', import.meta.url);
const capturedAt = new Date('2025-07-27T12:00:00Z');

interface File {
  name: string;
  bytes: Uint8Array;
  valid: boolean;
}

/** Where one file's job ended, ms from the drop. */
interface Outcome {
  file: File;
  startMs: number;
  endMs: number;
  code?: string;
}

/** Runs the benchmark in a fresh process. */
export function benchHostile(): HostileBenchResult {
  const output = execFileSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), CHILD_FLAG],
    { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  return JSON.parse(output) as HostileBenchResult;
}

function hostileFiles(): { nested: File[]; entities: File } {
  const depth = 100_000;
  const nested = `<html><body>${'<div><span>'.repeat(depth)}text`;
  const entityParagraph = `<p>${'&amp;&lt;&#x41;&nbsp;&quot;'.repeat(2_000)}</p>\n`;
  const entities = `<html><body>${entityParagraph.repeat(Math.ceil(15_600_000 / entityParagraph.length))}</body></html>`;
  return {
    nested: [1, 2, 3].map((n) => ({ name: `nested-${n}.html`, bytes: Buffer.from(nested), valid: false })),
    entities: { name: 'entities.html', bytes: Buffer.from(entities), valid: false },
  };
}

/** The files through `concurrency` job slots, in order, as a BullMQ worker takes them. */
async function runJobs(sandbox: ExtractSandbox, files: File[], concurrency: number): Promise<Outcome[]> {
  const start = performance.now();
  const outcomes: Outcome[] = [];
  let next = 0;
  const slot = async () => {
    while (next < files.length) {
      const file = files[next++] as File;
      const startMs = performance.now() - start;
      let code: string | undefined;
      try {
        await sandbox.extract(file.bytes, { fileName: file.name, capturedAt });
      } catch (error) {
        code = error instanceof SluiceError ? error.code : String(error);
      }
      outcomes.push({ file, startMs, endMs: performance.now() - start, code });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, slot));
  return outcomes;
}

function validFigures(outcomes: Outcome[]) {
  const valid = outcomes.filter((outcome) => outcome.file.valid);
  const failed = valid.filter((outcome) => outcome.code && outcome.code !== 'INPUT_NO_ARTICLES');
  if (failed.length > 0) throw new Error(`valid pages failed: ${failed.map((o) => o.code).join(', ')}`);
  return {
    first: Math.round(Math.min(...valid.map((outcome) => outcome.endMs))),
    all: Math.round(Math.max(...valid.map((outcome) => outcome.endMs))),
    p50: round(median(valid.map((outcome) => outcome.endMs - outcome.startMs))),
    max: round(Math.max(...valid.map((outcome) => outcome.endMs - outcome.startMs))),
  };
}

/** The measurement itself, in this process. */
export async function measureHostile(): Promise<HostileBenchResult> {
  const config = loadConfig();
  const concurrency = config.extract.threads;
  const sandbox = new ExtractSandbox({
    threads: concurrency,
    timeLimitMs: config.extract.timeMs,
    heapLimitMb: config.extract.heapMb,
  });
  const dir = fileURLToPath(AGGREGATOR_PAGES);
  const valid: File[] = readdirSync(dir)
    .filter((name) => name.endsWith('.txt'))
    .sort()
    .map((name) => ({ name, bytes: readFileSync(join(dir, name)), valid: true }));
  try {
    // Every thread started and warm, as in a worker that has been running.
    await runJobs(sandbox, valid, concurrency);
    const solo = validFigures(await runJobs(sandbox, valid, concurrency));
    const peakSolo = processMemory(process.pid)?.peakRssMb ?? 0;

    const { nested, entities } = hostileFiles();
    const outcomes = await runJobs(sandbox, [...nested, ...valid, entities], concurrency);
    const mixed = validFigures(outcomes);
    const hostile = outcomes.filter((outcome) => !outcome.file.valid);
    return {
      hostile_valid_files: valid.length,
      hostile_concurrency: concurrency,
      hostile_time_limit_ms: config.extract.timeMs,
      hostile_heap_limit_mb: config.extract.heapMb,
      hostile_first_valid_ms: mixed.first,
      hostile_first_valid_solo_ms: solo.first,
      hostile_all_valid_ms: mixed.all,
      hostile_all_valid_solo_ms: solo.all,
      hostile_valid_p50_ms: mixed.p50,
      hostile_valid_max_ms: mixed.max,
      hostile_valid_solo_p50_ms: solo.p50,
      hostile_outcomes: hostile
        .map((outcome) => `${outcome.file.name} ${outcome.code} at ${(outcome.endMs / 1000).toFixed(1)} s`)
        .join('; '),
      hostile_slowest_failure_ms: Math.round(Math.max(...hostile.map((outcome) => outcome.endMs))),
      hostile_worker_peak_rss_solo_mb: Math.round(peakSolo),
      hostile_worker_peak_rss_mb: Math.round(processMemory(process.pid)?.peakRssMb ?? 0),
    };
  } finally {
    await sandbox.close();
  }
}

const round = (value: number) => Math.round(value * 10) / 10;

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(process.argv.includes(CHILD_FLAG) ? await measureHostile() : benchHostile()));
}
