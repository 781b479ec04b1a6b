/**
 * Extraction throughput: decode + clean + segment (+ language) on one core over the 96 real
 * article-bench pages, as `extractArticles` runs inside the extract worker.
 * Baseline in the same run: decoding the same bytes and splitting them into lines, the least
 * any extractor must do, so the ratio shows what the text work itself costs on this machine.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { InputError } from '../lib/errors.ts';
import { extractArticles } from '../workers/extract/extract-articles.ts';
import { median } from './stats.ts';

export interface ExtractBenchOptions {
  /** Folder of page files; default the shared article-bench pages. */
  pagesDir?: string;
  /** Timed passes over all pages; the median is reported. Default 7. */
  runs?: number;
}

export interface ExtractBenchResult {
  /** MB per second of wall time: what the machine gave this run. */
  extract_mb_per_s: number;
  /**
   * MB per CPU second of this process (wall time spent descheduled does not count): the steadier
   * figure on a machine others load.
   */
  extract_mb_per_cpu_s: number;
  extract_baseline_mb_per_s: number;
  extract_pages: number;
  extract_heap_growth_mb: number;
}

export function benchExtract(options: ExtractBenchOptions = {}): ExtractBenchResult {
  const pagesDir =
    options.pagesDir ?? new URL('../../shared/data/article-bench/pages/', import.meta.url).pathname;
  const runs = options.runs ?? 7;
  const pages = readdirSync(pagesDir)
    .filter((name) => name.endsWith('.txt'))
    .map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(pagesDir, name))) }));
  const totalMb = pages.reduce((sum, page) => sum + page.bytes.byteLength, 0) / 1e6;
  const capturedAt = new Date('2025-07-27T12:00:00Z');

  /** MB per second of wall time and per second of this process's CPU time. */
  const pass = (work: (bytes: Uint8Array, name: string) => unknown): { wall: number; cpu: number } => {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    for (const page of pages) work(page.bytes, page.name);
    const cpu = process.cpuUsage(cpuStart);
    return {
      wall: totalMb / ((performance.now() - start) / 1000),
      cpu: totalMb / ((cpu.user + cpu.system) / 1e6),
    };
  };
  const decoder = new TextDecoder();
  const baseline = (bytes: Uint8Array) => decoder.decode(bytes).split('\n').length;
  // A page without an article is an outcome the worker reports (INPUT_NO_ARTICLES), not a crash.
  const extract = (bytes: Uint8Array, fileName: string) => {
    try {
      return extractArticles(bytes, { fileName, capturedAt });
    } catch (error) {
      if (error instanceof InputError) return error;
      throw error;
    }
  };

  pass(extract); // warm-up: JIT and regex compilation
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const extractRates: Array<{ wall: number; cpu: number }> = [];
  const baselineRates: Array<{ wall: number; cpu: number }> = [];
  for (let run = 0; run < runs; run++) {
    baselineRates.push(pass(baseline));
    extractRates.push(pass(extract));
  }
  global.gc?.();
  const heapGrowth = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
  return {
    extract_mb_per_s: round(median(extractRates.map((rate) => rate.wall))),
    extract_mb_per_cpu_s: round(median(extractRates.map((rate) => rate.cpu))),
    extract_baseline_mb_per_s: round(median(baselineRates.map((rate) => rate.wall))),
    extract_pages: pages.length,
    extract_heap_growth_mb: round(heapGrowth),
  };
}

const round = (value: number) => Math.round(value * 100) / 100;

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(benchExtract()));
}
