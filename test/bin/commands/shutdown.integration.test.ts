/**
 * SIGTERM ends `sluice start` and `sluice watch` within a bound (issue 13 item 11), also when
 * finishing cannot happen: Redis away, the producer paused on backpressure, Elasticsearch holding
 * a request. What was in flight is retried later; and stopping says what it leaves running
 * (issue 16 item 7).
 */
import type { ChildProcess } from 'node:child_process';
import { copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeState } from '../../../infra/local/state-file.ts';
import { SHUTDOWN_BOUND_MS } from '../../../lib/shutdown.ts';
import { eventually } from '../../eventually.ts';
import { OwnRedis, TcpProxy } from '../../own-services.ts';
import { createTestPipeline, type TestPipeline } from '../../pipeline-harness.ts';
import { spawnSluice, waitForLog } from '../../sluice-process.ts';

const SEED = new URL('../../../../shared/data/seed/daily8-china-russia.txt', import.meta.url);
/** The bound, and what a loaded 2-core machine adds to a process's exit. */
const EXPECTED_MS = SHUTDOWN_BOUND_MS + 5000;

let pipeline: TestPipeline | undefined;
let redis: OwnRedis | undefined;
let proxy: TcpProxy | undefined;
const children: ChildProcess[] = [];
const folders: string[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  proxy?.release();
  await proxy?.stop();
  proxy = undefined;
  await redis?.start(); // the cleanup deletes the test's keys there
  await pipeline?.cleanup();
  pipeline = undefined;
  await redis?.destroy();
  redis = undefined;
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawnSluice(args, { ...env, LOG_LEVEL: 'info' });
  children.push(child);
  return child;
}

/** Sends SIGTERM; resolves with the exit code and how long the stop took (null: not within 40 s). */
async function stop(child: ChildProcess): Promise<{ code: number | null; ms: number }> {
  const began = performance.now();
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const code = await Promise.race([
    exited,
    new Promise<null>((resolve) => setTimeout(resolve, 40_000, null)),
  ]);
  return { code, ms: performance.now() - began };
}

describe(`SIGTERM stops within ${SHUTDOWN_BOUND_MS / 1000} s`, () => {
  it('sluice start during a Redis outage', async () => {
    redis = await OwnRedis.start({ appendOnly: false });
    pipeline = await createTestPipeline({ REDIS_URL: redis.url });
    const start = run(['start'], pipeline.env);
    await waitForLog(start, 'Sluice is running.');
    await redis.stop();
    await waitForLog(start, `Waiting for Redis at ${redis.url}.`);
    const stopped = await stop(start);
    expect(stopped.ms).toBeLessThan(EXPECTED_MS);
    expect(stopped.code).not.toBeNull();
  }, 90_000);

  it('sluice watch paused on backpressure', async () => {
    pipeline = await createTestPipeline({ SLUICE_MAX_QUEUE_DEPTH: '1' });
    // More than its 8 submissions at once, so it pauses with files left to read.
    for (let i = 0; i < 30; i++) await writeFile(join(pipeline.config.inbox, `p${i}.txt`), `Page ${i} text.`);
    const watch = run(['watch'], pipeline.env);
    await waitForLog(watch, 'Too many files unfinished; pausing.');
    const stopped = await stop(watch);
    expect(stopped.ms).toBeLessThan(EXPECTED_MS);
    expect(stopped.code).not.toBeNull();
  }, 90_000);

  it('sluice start while Elasticsearch holds a request; the file is done on the next start', async () => {
    pipeline = await createTestPipeline();
    const node = new URL(pipeline.config.elasticsearch.url);
    proxy = await TcpProxy.open({ host: node.hostname, port: Number(node.port || 9200) });
    const env = { ...pipeline.env, ELASTICSEARCH_URL: proxy.url };
    const start = run(['start'], env);
    await waitForLog(start, 'Sluice is running.');
    proxy.hold();
    await copyFile(SEED, join(pipeline.config.inbox, 'held.txt'));
    await waitForLog(start, 'Page split into articles.');
    const stopped = await stop(start);
    expect(stopped.ms).toBeLessThan(EXPECTED_MS);
    expect(stopped.code).not.toBeNull();

    proxy.release();
    const again = run(['start'], env);
    await waitForLog(again, 'Sluice is running.');
    const done = join(pipeline.config.inbox, 'done');
    await eventually(
      async () => ((await readdir(done).catch(() => [] as string[])).includes('held.txt') ? true : undefined),
      60_000,
      500,
    );
    expect((await stop(again)).code).toBe(0);
  }, 150_000);
});

describe('stopping sluice start (issue 16 item 7)', () => {
  it('says what infra up left running, and that `sluice infra down` stops it', async () => {
    redis = await OwnRedis.start({ appendOnly: false });
    const cacheDir = await mkdtemp(join(tmpdir(), 'sluice-cache-'));
    folders.push(cacheDir);
    // As `infra up` records a Redis it started.
    const started = { pid: redis.pid as number, port: redis.port, version: '7', logFile: '/dev/null' };
    writeState(cacheDir, { redis: { ...started, startedAt: new Date().toISOString() } });
    pipeline = await createTestPipeline({ REDIS_URL: redis.url, SLUICE_CACHE_DIR: cacheDir });
    const start = run(['start'], pipeline.env);
    await waitForLog(start, 'Sluice is running.');
    const left = waitForLog(start, 'Left running: Redis; `sluice infra down` stops it.');
    expect(await stop(start)).toMatchObject({ code: 0 });
    expect(await left).toMatchObject({ redis: { pid: redis.pid, port: redis.port } });
  }, 60_000);
});
