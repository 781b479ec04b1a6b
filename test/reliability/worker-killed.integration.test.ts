/**
 * A worker process killed with SIGKILL in the middle of its batches, twice: the jobs it held
 * stall, are taken up by the next worker, and no file or article is lost or indexed twice.
 * (test/workers/work-command.test.ts kills `sluice work` once with the default locks; this one
 * kills two workers in a row and ends with the audit.)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cp, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureArticleIndex } from '../../infra/elasticsearch/article-index.ts';
import { type WatchingInbox, watchInbox } from '../../producers/folder-watcher/watch-inbox.ts';
import { eventually } from '../eventually.ts';
import { createTestPipeline, type TestPipeline } from '../pipeline-harness.ts';
import { waitForLog } from '../sluice-process.ts';
import {
  AGGREGATOR_PAGES,
  ARTICLE_BENCH_PAGES,
  auditWhenSettled,
  expectBalanced,
  silentLogger,
} from './fault-harness.ts';

const WORKER = fileURLToPath(new URL('./worker-child.ts', import.meta.url));

let pipeline: TestPipeline | undefined;
let watching: WatchingInbox | undefined;
const workers: ChildProcess[] = [];

afterEach(async () => {
  for (const child of workers.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await watching?.close();
  await pipeline?.cleanup();
});

async function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  workers.push(child);
  await waitForLog(child, 'Workers started.');
  return child;
}

describe('workers killed with SIGKILL mid-batch', () => {
  it('retry the stalled jobs, twice over, and index every article exactly once', {
    timeout: 120_000,
  }, async () => {
    pipeline = await createTestPipeline();
    const p = pipeline;
    await ensureArticleIndex(p.elasticsearch, p.config.index);
    watching = await watchInbox(p.config, silentLogger);
    // 136 pages: enough work that each worker is still mid-way when it is killed (with only the
    // 40 aggregator pages a fast first worker could index nearly everything before the kill).
    await cp(AGGREGATOR_PAGES, p.config.inbox, { recursive: true });
    await cp(ARTICLE_BENCH_PAGES, p.config.inbox, { recursive: true });

    // Progress is read from done/, which grows file by file; documents arrive in bulk batches
    // and would jump past any threshold between two polls.
    const filesDone = async () => (await readdir(join(p.config.inbox, 'done'))).length;
    const atLeast = (n: number) => async () => ((await filesDone().catch(() => 0)) >= n ? true : undefined);
    const kills: number[] = [];
    for (let kill = 0; kill < 2; kill++) {
      const worker = await startWorker(p.env);
      // Each worker is killed once it has finished a few files: in the middle of its batches.
      await eventually(atLeast((kills.at(-1) ?? 0) + 3), 60_000, 20);
      worker.kill('SIGKILL');
      kills.push(await filesDone());
    }
    await startWorker(p.env);

    const report = await auditWhenSettled(p.config, 90_000);
    console.info(
      `Killed at ${kills.join(' and ')} files done; settled with ${report.index.documents} documents.`,
    );
    await expectBalanced(p, report);
    expect(report.index.sightings).toBe(report.ledger.articles);
    expect(report.files).toMatchObject({ inbox: 0, done: 136, failed: 0 });
    expect(kills[1]).toBeLessThan(report.files.done);
  });
});
