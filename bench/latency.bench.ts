/**
 * Latency at light load: `sluice start` (watcher, workers, HTTP server) runs as a child process on
 * a fresh pipeline; one page file at a time is moved into the inbox (a rename, as a finished
 * download or `mv` makes it appear) and the clock stops when every article of that file is
 * returned by a search. Nothing else is in flight, so the figure is the pipeline's own path:
 * the watcher's stability wait, extract, dedupe, the bulk batcher's flush interval and the
 * index's refresh interval (1 s in the template: nothing refreshes on demand).
 */
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@elastic/elasticsearch';
import { createTestPipeline } from '../test/pipeline-harness.ts';
import { extractArticles } from '../workers/extract/extract-articles.ts';
import type { CorpusFile } from './corpus.ts';
import { startSluice } from './sluice-child.ts';
import { percentile } from './stats.ts';

export interface LatencyOptions {
  /** Candidate files; those without articles are skipped. */
  files: readonly CorpusFile[];
  /** Files timed; default 30. */
  samples?: number;
  /** Unique name of the run: queue prefix and index alias. */
  name: string;
  /** Pause between one file being searchable and the next being dropped, in ms; default 200. */
  pauseMs?: number;
  /** A file not searchable after this long counts as a miss, in ms; default 20000. */
  timeoutMs?: number;
}

export interface LatencyResult {
  latency_samples: number;
  latency_misses: number;
  latency_p50_ms: number;
  latency_p95_ms: number;
  latency_max_ms: number;
}

/** How often the index is asked whether the file is searchable yet, in ms. */
const POLL_MS = 20;

export async function benchLatency(options: LatencyOptions): Promise<LatencyResult> {
  const samples = options.samples ?? 30;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const pipeline = await createTestPipeline({
    SLUICE_QUEUE_PREFIX: options.name,
    SLUICE_INDEX: options.name,
  });
  const staging = await mkdtemp(join(tmpdir(), 'sluice-bench-staging-'));
  const timings: number[] = [];
  let misses = 0;
  try {
    const sluice = await startSluice(['start'], pipeline.env, 'Sluice is running.');
    try {
      for (const file of withArticles(options.files).slice(0, samples)) {
        const staged = join(staging, file.name);
        await writeFile(staged, file.text);
        const started = performance.now();
        await rename(staged, join(pipeline.config.inbox, file.name));
        const deadline = started + timeoutMs;
        while (
          (await sightingsOf(pipeline.elasticsearch, pipeline.config.index, file.name)) < file.articles
        ) {
          if (performance.now() > deadline) break;
          await sleep(POLL_MS);
        }
        if (performance.now() > deadline) misses++;
        else timings.push(performance.now() - started);
        await sleep(options.pauseMs ?? 200);
      }
    } finally {
      await sluice.stop();
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
    await pipeline.cleanup();
  }
  return {
    latency_samples: timings.length,
    latency_misses: misses,
    latency_p50_ms: Math.round(percentile(timings, 50)),
    latency_p95_ms: Math.round(percentile(timings, 95)),
    latency_max_ms: Math.round(Math.max(...timings)),
  };
}

/** The files with their article counts, leaving out those the extractor finds nothing in. */
function withArticles(files: readonly CorpusFile[]): Array<CorpusFile & { articles: number }> {
  return files.flatMap((file) => {
    try {
      const articles = extractArticles(new TextEncoder().encode(file.text), {
        fileName: file.name,
        capturedAt: new Date(),
      }).length;
      return articles > 0 ? [{ ...file, articles }] : [];
    } catch {
      return [];
    }
  });
}

/** Sightings of a file among the searchable documents (a merged duplicate counts as one too). */
async function sightingsOf(elasticsearch: Client, index: string, fileName: string): Promise<number> {
  const response = await elasticsearch.search<{ sightings?: Array<{ file: string }> }>({
    index,
    size: 100,
    _source: ['sightings.file'],
    query: { nested: { path: 'sightings', query: { term: { 'sightings.file': fileName } } } },
  });
  return response.hits.hits.reduce(
    (sum, hit) => sum + (hit._source?.sightings ?? []).filter((s) => s.file === fileName).length,
    0,
  );
}
