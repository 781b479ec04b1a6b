import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { benchExtract } from '../../bench/extract.bench.ts';

describe('benchExtract', () => {
  it('reports wall-clock and CPU throughput of extraction and of its baseline, pooled from fresh processes', () => {
    const pagesDir = new URL('../fixtures/pages/', import.meta.url).pathname;
    const result = benchExtract({ pagesDir, processes: 2, runs: 2, minSampleMs: 5 });
    expect(result.extract_pages).toBe(readdirSync(pagesDir).filter((name) => name.endsWith('.txt')).length);
    expect(result.extract_samples).toBe(4);
    expect(result.extract_pages_mb).toBeGreaterThan(0);
    for (const key of [
      'extract_mb_per_s',
      'extract_mb_per_cpu_s',
      'extract_mb_per_cpu_s_best',
      'extract_baseline_mb_per_s',
      'extract_baseline_mb_per_cpu_s',
    ] as const) {
      expect(Number.isFinite(result[key]), key).toBe(true);
      expect(result[key], key).toBeGreaterThan(0);
    }
    // Splitting lines does less work than extracting articles from them.
    expect(result.extract_baseline_mb_per_cpu_s).toBeGreaterThan(result.extract_mb_per_cpu_s);
  });
});
