/**
 * Redis loses its data while files wait (issue 13, item 5): a restart without persistence, or a
 * flush. The folder producer remembered those paths as submitted, so they sat in the inbox for
 * good; the sweep submits a file again once it has waited too long, and it is processed anew.
 */
import { cp, readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureArticleIndex } from '../../infra/elasticsearch/article-index.ts';
import { type WatchingInbox, watchInbox } from '../../producers/folder-watcher/watch-inbox.ts';
import { type RunningWorkers, runWorkers } from '../../workers/pipeline.ts';
import { eventually } from '../eventually.ts';
import { createTestPipeline, type TestPipeline } from '../pipeline-harness.ts';
import { AGGREGATOR_PAGES, auditWhenSettled, expectBalanced, silentLogger } from './fault-harness.ts';

let pipeline: TestPipeline | undefined;
let watching: WatchingInbox | undefined;
let workers: RunningWorkers | undefined;

afterEach(async () => {
  await watching?.close();
  await workers?.close();
  await pipeline?.cleanup();
});

/** Deletes every key of the pipeline, as a Redis restarted without its data would have none. */
async function loseState(p: TestPipeline): Promise<number> {
  const keys = await p.redis.keys(`{${p.config.queuePrefix}}*`);
  if (keys.length > 0) await p.redis.unlink(...keys);
  return keys.length;
}

describe('Redis losing its data while files wait', () => {
  it('leaves no file in the inbox: the sweep queues them again', { timeout: 90_000 }, async () => {
    pipeline = await createTestPipeline();
    const p = pipeline;
    await ensureArticleIndex(p.elasticsearch, p.config.index);
    watching = await watchInbox(p.config, silentLogger, {
      timing: { rescanIntervalMs: 300, sweepAfterMs: 1500 },
    });
    await cp(AGGREGATOR_PAGES, p.config.inbox, { recursive: true });
    const pages = (await readdir(AGGREGATOR_PAGES)).length;
    // Every file queued, no worker yet: then the queue and the ledger are gone.
    await eventually(
      async () => ((await p.redis.llen(`{${p.config.queuePrefix}}:files:wait`)) === pages ? true : undefined),
      30_000,
    );
    expect(await loseState(p)).toBeGreaterThan(0);

    workers = runWorkers({ config: p.config, elasticsearch: p.elasticsearch, logger: silentLogger });
    const report = await auditWhenSettled(p.config, 60_000);
    await expectBalanced(p, report);
    expect(report.files).toMatchObject({ inbox: 0, done: pages, failed: 0 });
  });
});
