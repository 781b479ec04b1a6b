/**
 * `sluice start` as people run it: a child process with its own inbox, queue prefix, index and
 * port, on the real Redis and Elasticsearch.
 */
import type { ChildProcess } from 'node:child_process';
import { copyFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../eventually.ts';
import { countDocuments, createTestPipeline, type TestPipeline } from '../../pipeline-harness.ts';
import { runSluice, spawnSluice, waitForLog } from '../../sluice-process.ts';

const SEED = new URL('../../../../shared/data/seed/daily8-china-russia.txt', import.meta.url);

let pipeline: TestPipeline;
let start: ChildProcess;
let address: string;

beforeAll(async () => {
  pipeline = await createTestPipeline({ LOG_LEVEL: 'info' });
  start = spawnSluice(['start'], pipeline.env);
  address = String((await waitForLog(start, 'Sluice is running.')).address);
});

afterAll(async () => {
  if (start?.exitCode === null) start.kill('SIGKILL');
  await pipeline?.cleanup();
});

describe('sluice start', () => {
  it('answers /healthz', async () => {
    const response = await fetch(`${address}/healthz`);
    expect(response.status).toBe(200);
  });

  it('makes the seed page searchable, finds it by phrase, and ignores a second copy', async () => {
    const { inbox, index } = pipeline.config;
    const dropped = performance.now();
    await copyFile(SEED, join(inbox, 'daily8-china-russia.txt'));
    await eventually(async () => {
      const { count } = await pipeline.elasticsearch.count({ index });
      return count === 4 ? count : undefined;
    }, 15_000);
    const searchableMs = performance.now() - dropped;
    // Latency is a benchmark figure (npm run bench), not an assertion on a shared machine.
    console.info(`Drop to searchable (4 articles of the seed page): ${Math.round(searchableMs)} ms`);

    const search = await runSluice(['search', '"Kargil Vijay Diwas"', '--json'], pipeline.env);
    expect(search.code).toBe(0);
    const result = JSON.parse(search.stdout) as { hits: Array<{ source: string; fragments: string[] }> };
    expect(result.hits.map((hit) => hit.source)).toEqual(['Time of India']);
    expect(result.hits[0]?.fragments.join(' ')).toMatch(/<em>Kargil Vijay Diwas<\/em>/);

    await eventually(async () => ((await readdir(join(inbox, 'done'))).length === 1 ? true : undefined));
    await copyFile(SEED, join(inbox, 'the-same-page-again.txt'));
    await eventually(async () => ((await readdir(join(inbox, 'done'))).length === 2 ? true : undefined));
    expect(await countDocuments(pipeline.elasticsearch, index)).toBe(4);
  });

  it('stops gracefully on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => start.once('exit', resolve));
    start.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
