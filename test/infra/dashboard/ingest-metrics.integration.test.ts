/**
 * /metrics during a real ingest: the folder producer and the workers in this process, fed the
 * process's metrics by `openDashboard`, on the real Redis and Elasticsearch. The counters are
 * read from the HTTP endpoint Prometheus scrapes, and asserted.
 */
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../eventually.ts';
import { type PipelineWithDashboard, startPipelineWithDashboard } from './pipeline-with-dashboard.ts';
import { sampleValue } from './prometheus-text.ts';

const SEED = new URL('../../../../shared/data/seed/daily8-china-russia.txt', import.meta.url);
const PAGES = new URL('../../../../shared/data/aggregator-pages/pages/', import.meta.url);

let running: PipelineWithDashboard;

beforeAll(async () => {
  running = await startPipelineWithDashboard();
});

afterAll(async () => {
  await running?.close();
});

async function scrape(): Promise<string> {
  const response = await running.dashboard.app.inject({ url: '/metrics' });
  expect(response.statusCode).toBe(200);
  return response.body;
}

/** Waits until a sample reaches at least `atLeast`; returns it. */
async function reaches(name: string, labels: Record<string, string>, atLeast: number): Promise<number> {
  return eventually(async () => {
    const value = sampleValue(await scrape(), name, labels) ?? 0;
    return value >= atLeast ? value : undefined;
  }, 20_000);
}

describe('/metrics during an ingest', () => {
  it('counts files, articles by outcome, stage and job durations, bulk requests and queue depths', async () => {
    const before = await scrape();
    expect(sampleValue(before, 'sluice_files_done_total')).toBe(0);
    for (const outcome of ['new', 'merged']) {
      expect(sampleValue(before, 'sluice_articles_total', { outcome }), outcome).toBe(0);
    }

    const { inbox } = running.pipeline.config;
    await copyFile(SEED, join(inbox, 'seed.txt'));
    await copyFile(new URL('page-dev-000.txt', PAGES), join(inbox, 'page-dev-000.txt'));
    await reaches('sluice_files_done_total', {}, 2);
    const indexed = await reaches('sluice_articles_total', { outcome: 'new' }, 5);

    // The same four articles again in a file that differs by one line: merged, not indexed anew.
    await writeFile(join(inbox, 'seed-again.txt'), `${await readFile(SEED, 'utf8')}\nShared by a reader.\n`);
    await reaches('sluice_files_done_total', {}, 3);
    const merged = await reaches('sluice_articles_total', { outcome: 'merged' }, 4);
    expect(merged).toBe(4);

    const after = await scrape();
    expect(sampleValue(after, 'sluice_articles_total', { outcome: 'new' })).toBe(indexed);
    for (const stage of ['extract', 'dedupe', 'index', 'finalize']) {
      expect(sampleValue(after, 'sluice_stage_duration_seconds_count', { stage }), stage).toBe(3);
    }
    expect(
      sampleValue(after, 'sluice_job_duration_seconds_count', { stage: 'files', outcome: 'completed' }),
    ).toBe(3);
    // Completed jobs stay in Redis for the board (an hour, without their files' bytes): the gauge shows them.
    expect(sampleValue(after, 'sluice_queue_jobs', { stage: 'files', state: 'completed' })).toBe(3);
    expect(sampleValue(after, 'sluice_elasticsearch_bulk_duration_seconds_count')).toBeGreaterThan(0);
    expect(sampleValue(after, 'sluice_queue_depth_errors_total')).toBe(0);
  });
});
