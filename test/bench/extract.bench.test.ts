import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { benchExtract, benchExtractHtml } from '../../bench/extract.bench.ts';

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

describe('benchExtractHtml', () => {
  it('measures extraction and Readability.js alone on the same gzipped HTML pages, every n-th of them', () => {
    const htmlDir = mkdtempSync(join(tmpdir(), 'sluice-html-bench-'));
    try {
      const page = readFileSync(new URL('../fixtures/formats/harbour-article.html', import.meta.url));
      for (const name of ['a', 'b', 'c']) writeFileSync(join(htmlDir, `${name}.html.gz`), gzipSync(page));
      const result = benchExtractHtml({ htmlDir, every: 2, runs: 2 });
      // a and c: every second page by name.
      expect(result.extract_html_pages).toBe(2);
      expect(result.extract_html_samples).toBe(2);
      expect(result.extract_html_mb).toBeCloseTo((2 * page.byteLength) / 1e6, 2);
      for (const key of [
        'extract_html_mb_per_s',
        'extract_html_mb_per_cpu_s',
        'readability_html_mb_per_s',
        'readability_html_mb_per_cpu_s',
      ] as const) {
        expect(result[key], key).toBeGreaterThan(0);
      }
    } finally {
      rmSync(htmlDir, { recursive: true, force: true });
    }
  });
});
