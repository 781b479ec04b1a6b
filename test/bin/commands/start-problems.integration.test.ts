/**
 * `sluice start` when something around it is wrong (issue 16, issue 13 item 12): an optional
 * service that does not answer must not stop it; a problem that stops it does so at once, with one
 * line and a non-zero exit, before any file is taken.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, readdir } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ELASTICSEARCH_VERSION,
  elasticsearchLayout,
} from '../../../infra/local/elasticsearch-distribution.ts';
import { isOurProcess } from '../../../infra/local/processes.ts';
import { readState } from '../../../infra/local/state-file.ts';
import { loadConfig } from '../../../lib/config.ts';
import { pipelinePrefix } from '../../../lib/keys.ts';
import { closeQueues, openQueues } from '../../../lib/queues.ts';
import { eventually } from '../../eventually.ts';
import { freePort, OwnRedis } from '../../own-services.ts';
import { createTestPipeline, type TestPipeline } from '../../pipeline-harness.ts';
import { spawnSluice, waitForLog } from '../../sluice-process.ts';

const SEED = new URL('../../../../shared/data/seed/daily8-china-russia.txt', import.meta.url);

let pipeline: TestPipeline | undefined;
const children: ChildProcess[] = [];
const servers: Server[] = [];
const sockets: Socket[] = [];
let ownRedis: OwnRedis | undefined;

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  await pipeline?.cleanup();
  pipeline = undefined;
  await ownRedis?.destroy();
  ownRedis = undefined;
});

/** A TCP server that accepts connections and never answers: a Kibana still starting, or hung. */
async function silentServer(): Promise<string> {
  const server = createServer((socket) => sockets.push(socket));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

function start(env: Record<string, string>): ChildProcess {
  const child = spawnSluice(['start'], { ...env, LOG_LEVEL: 'info' });
  children.push(child);
  return child;
}

describe('sluice start with KIBANA_URL set and Kibana not answering', () => {
  it('warns, runs the pipeline, and keeps trying the import in the background', async () => {
    pipeline = await createTestPipeline();
    const child = start({ ...pipeline.env, KIBANA_URL: await silentServer() });
    await waitForLog(child, 'Sluice is running.', 20_000);
    await copyFile(SEED, join(pipeline.config.inbox, 'seed.txt'));
    const done = join(pipeline.config.inbox, 'done');
    await eventually(async () => ((await readdir(done).catch(() => [])).length === 1 ? true : undefined));
    const stopped = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await stopped).toBe(0);
  }, 60_000);
});

/** The lines a command wrote to stderr. */
const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');

/**
 * Runs `sluice start` with a file waiting in the inbox, expecting it to stop by itself: returns
 * its exit code, stderr, how long it ran, and whether it took the file.
 */
async function failingStart(p: TestPipeline, env: Record<string, string>) {
  await copyFile(SEED, join(p.config.inbox, 'waiting.txt'));
  const began = performance.now();
  const child = spawnSluice(['start'], { ...p.env, ...env });
  children.push(child); // killed after the test if it does not stop by itself
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve) => {
    child.once('exit', resolve);
    setTimeout(() => resolve(null), 20_000);
  });
  const seconds = (performance.now() - began) / 1000;
  const queues = openQueues(p.redis, pipelinePrefix(p.config));
  const jobs = await queues.files.getJobCountByTypes('waiting', 'active', 'completed', 'failed', 'delayed');
  await closeQueues(queues);
  const stillThere = existsSync(join(p.config.inbox, 'waiting.txt'));
  return { code, stderr, seconds, tookFile: jobs > 0 || !stillThere };
}

describe('sluice start exits at once, with one line and before taking a file (issue 13 item 12)', () => {
  it('when the HTTP port is taken (a second sluice start)', async () => {
    pipeline = await createTestPipeline();
    const taken = createServer();
    servers.push(taken);
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    const run = await failingStart(pipeline, { SLUICE_HTTP_PORT: String(port) });
    expect(lines(run.stderr)).toEqual([
      expect.stringMatching(new RegExp(`^sluice: .*127\\.0\\.0\\.1:${port} is taken.*SLUICE_HTTP_PORT`)),
    ]);
    expect(run.code).toBe(1);
    expect(run.tookFile).toBe(false);
    expect(run.seconds).toBeLessThan(15);
  }, 30_000);

  it('when setup fails: the index name belongs to a concrete index', async () => {
    pipeline = await createTestPipeline();
    await pipeline.elasticsearch.indices.create({ index: pipeline.config.index });
    try {
      const run = await failingStart(pipeline, {});
      expect(lines(run.stderr)).toEqual([expect.stringMatching(/^sluice: .*SLUICE_INDEX/)]);
      expect(run.code).toBe(1);
      expect(run.tookFile).toBe(false);
      expect(run.seconds).toBeLessThan(15);
    } finally {
      await pipeline.elasticsearch.indices.delete({ index: pipeline.config.index });
    }
  }, 30_000);

  it('when Redis refuses the password: no second Redis is started on its port', async () => {
    ownRedis = await OwnRedis.start({ appendOnly: false, password: 'the-password' });
    pipeline = await createTestPipeline({ REDIS_URL: `redis://:the-password@127.0.0.1:${ownRedis.port}` });
    const run = await failingStart(pipeline, {
      REDIS_URL: `redis://:not-the-password@127.0.0.1:${ownRedis.port}`,
    });
    expect(lines(run.stderr)).toEqual([
      expect.stringMatching(/^sluice: Redis at .* (refused|taken).*REDIS_URL/),
    ]);
    expect(run.stderr).not.toContain('not-the-password');
    expect(run.code).not.toBe(0);
    expect(run.tookFile).toBe(false);
    expect(run.seconds).toBeLessThan(15);
  }, 30_000);

  // Only where `infra up` started the Elasticsearch the tests use (CI, this machine).
  const config = loadConfig();
  const layout = elasticsearchLayout(config.cacheDir, ELASTICSEARCH_VERSION);
  const localPid = readState(config.cacheDir).elasticsearch?.pid ?? 0;
  it.skipIf(!isOurProcess(localPid, [layout.home]))(
    'when ELASTICSEARCH_URL names a wrong port: no second node on the local data folder',
    async () => {
      pipeline = await createTestPipeline();
      const port = await freePort();
      const run = await failingStart(pipeline, { ELASTICSEARCH_URL: `http://127.0.0.1:${port}` });
      expect(lines(run.stderr)).toEqual([
        expect.stringMatching(new RegExp(`^sluice: .*already runs .*not on ${port}.*ELASTICSEARCH_URL`)),
      ]);
      expect(run.code).not.toBe(0);
      expect(run.tookFile).toBe(false);
      expect(run.seconds).toBeLessThan(15);
    },
    60_000,
  );
});
