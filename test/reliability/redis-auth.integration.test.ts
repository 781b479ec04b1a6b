/**
 * Issue 13, item 10: Redis refusing AUTH. ioredis's errors carry the refused command with its
 * arguments, the user name and password; pino logged them whole (148 lines in 30 s) and
 * `sluice ingest --wait` crashed printing them. Checked on real processes against a Redis of the
 * test's own that demands a password, given a wrong one.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPipeline, type TestPipeline } from '../pipeline-harness.ts';
import { runSluice, spawnSluice } from '../sluice-process.ts';
import { freePort } from './fault-harness.ts';

const USER = 'sluice-user';
const WRONG = 'Wrong-s3cret-pw';
let redis: ChildProcess;
let redisUrl: string;
let pipeline: TestPipeline;

beforeAll(async () => {
  const port = await freePort();
  redis = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--requirepass',
      'the-right-one',
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let output = '';
    redis.stdout?.on('data', (chunk: Buffer) => {
      output += chunk;
      if (output.includes('Ready to accept connections')) resolve();
    });
    redis.once('exit', (code) => reject(new Error(`redis-server exited (${code}):\n${output}`)));
  });
  redisUrl = `redis://${USER}:${WRONG}@127.0.0.1:${port}`;
  pipeline = await createTestPipeline();
});

afterAll(async () => {
  redis?.kill('SIGTERM');
  await pipeline?.cleanup();
});

const secretsIn = (output: string) => [WRONG, USER].filter((secret) => output.includes(secret));

describe('a wrong Redis password', () => {
  it('never shows in a log line of `sluice work`, at debug level, while it retries', {
    timeout: 60_000,
  }, async () => {
    const child = spawnSluice(['work'], { ...pipeline.env, REDIS_URL: redisUrl, LOG_LEVEL: 'debug' });
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    await sleep(8000);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(15_000).then(() => child.kill('SIGKILL'))]);
    const logLines = output.split('\n').filter((line) => line.startsWith('{'));
    expect(logLines.filter((line) => line.includes('WRONGPASS')).length).toBeGreaterThan(0);
    expect(secretsIn(logLines.join('\n'))).toEqual([]);
  });

  it('never shows in what `sluice ingest --wait` prints', { timeout: 60_000 }, async () => {
    const file = join(pipeline.config.inbox, 'page.txt');
    await writeFile(file, 'A council met on Tuesday and agreed to repair the old bridge before winter.\n');
    const run = await runSluice(['ingest', '--wait', file], {
      ...pipeline.env,
      REDIS_URL: redisUrl,
      LOG_LEVEL: 'debug',
    });
    const output = run.stdout + run.stderr;
    expect(run.code).not.toBe(0);
    expect(output).toMatch(/WRONGPASS/);
    expect(secretsIn(output)).toEqual([]);
  });
});
