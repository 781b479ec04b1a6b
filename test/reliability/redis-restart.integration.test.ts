/**
 * Redis restarted in the middle of an ingest: a Redis of the test's own (AOF on, as in the compose
 * file), stopped with SIGTERM (it writes its AOF and exits, as a supervisor's restart does) for a
 * few seconds and started again on the same data. Workers and the folder producer wait for it
 * (their connections queue commands while it is away), and no file or article is lost.
 */
import { cp } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../eventually.ts';
import {
  countDocuments,
  createTestPipeline,
  type RunningPipeline,
  startPipeline,
  type TestPipeline,
} from '../pipeline-harness.ts';
import { AGGREGATOR_PAGES, auditWhenSettled, expectBalanced, OwnRedis } from './fault-harness.ts';

const DOWN_MS = 4000;

let redis: OwnRedis | undefined;
let pipeline: TestPipeline | undefined;
let running: RunningPipeline | undefined;

afterEach(async () => {
  await redis?.start().catch(() => undefined);
  await running?.close();
  await pipeline?.cleanup();
  await redis?.destroy();
});

describe('a Redis restart during an ingest', () => {
  it('loses no file, job or article: the ingest finishes once Redis is back', {
    timeout: 90_000,
  }, async () => {
    redis = await OwnRedis.start();
    pipeline = await createTestPipeline({ REDIS_URL: redis.url });
    const p = pipeline;
    running = await startPipeline(p.config, p.elasticsearch);

    await cp(AGGREGATOR_PAGES, p.config.inbox, { recursive: true });
    await eventually(
      async () => ((await countDocuments(p.elasticsearch, p.config.index)) > 0 ? true : undefined),
      60_000,
      20,
    );
    await redis.stop();
    await sleep(DOWN_MS);
    await redis.start();

    const report = await auditWhenSettled(p.config, 75_000);
    await expectBalanced(p, report);
    expect(report.index.sightings).toBe(report.ledger.articles);
    expect(report.files).toMatchObject({ inbox: 0, done: 40, failed: 0 });
  });
});
