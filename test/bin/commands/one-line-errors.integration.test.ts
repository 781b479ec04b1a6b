/**
 * What a user sees when something is wrong (issue 16 item 5): one line per problem, saying what
 * to do, and an exit code; no stack trace; repeated connection errors once per interval.
 */
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, OwnRedis } from '../../own-services.ts';
import { createTestPipeline, type TestPipeline } from '../../pipeline-harness.ts';
import { runSluice, spawnSluice, waitForLog } from '../../sluice-process.ts';

let pipeline: TestPipeline | undefined;
const children: ChildProcess[] = [];
let redis: OwnRedis | undefined;

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await pipeline?.cleanup();
  pipeline = undefined;
  await redis?.destroy();
  redis = undefined;
});

/** The lines a command wrote to stderr. */
const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');

describe('sluice search', () => {
  it('with Elasticsearch down: one line naming the URL and what to do, exit 69', async () => {
    const port = await freePort();
    const run = await runSluice(['search', 'anything'], { ELASTICSEARCH_URL: `http://127.0.0.1:${port}` });
    expect(lines(run.stderr)).toEqual([
      expect.stringMatching(
        new RegExp(`^sluice: Elasticsearch at http://127\\.0\\.0\\.1:${port} does not answer.*infra up`),
      ),
    ]);
    expect(run.code).toBe(69);
  });

  it('on an index that does not exist: one line pointing at sluice setup', async () => {
    const run = await runSluice(['search', 'anything'], { SLUICE_INDEX: 'test-never-created-index' });
    expect(lines(run.stderr)).toEqual([
      expect.stringMatching(/^sluice: .*test-never-created-index.*sluice setup/),
    ]);
    expect(run.code).toBe(1);
  });
});

describe('a closed stdout (sluice audit | true)', () => {
  it('ends the command quietly', async () => {
    pipeline = await createTestPipeline();
    const child = spawnSluice(['audit'], pipeline.env);
    child.stdout?.destroy(); // the reader is gone before the report is written
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('sluice work while Redis is away', () => {
  it('says "Waiting for Redis at <url>" once per interval instead of a stack per client and retry', async () => {
    redis = await OwnRedis.start({ appendOnly: false });
    pipeline = await createTestPipeline({ REDIS_URL: redis.url });
    await redis.stop();
    const work = spawnSluice(['work'], { ...pipeline.env, LOG_LEVEL: 'info' });
    children.push(work);
    let stderr = '';
    work.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    const waitingLine = `Waiting for Redis at ${redis.url}.`;
    const waiting = await waitForLog(work, waitingLine);
    expect(waiting.code).toBe('REDIS_UNREACHABLE');
    await new Promise((resolve) => setTimeout(resolve, 6000));
    const logged = lines(stderr).map((line) => JSON.parse(line) as { msg: string; err?: { stack?: string } });
    // Before: about 290 lines with stacks in 5 s, from every worker, queue and client.
    expect(logged.filter((line) => line.msg === waitingLine)).toHaveLength(1);
    expect(logged.length).toBeLessThan(10);
    expect(stderr).not.toContain('"stack"');

    await redis.start();
    await waitForLog(work, 'Redis answers again.', 20_000);
  }, 60_000);
});
