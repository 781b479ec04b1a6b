/**
 * `sluice start` when something around it is wrong (issue 16, issue 13 item 12): an optional
 * service that does not answer must not stop it; a problem that stops it does so at once, with one
 * line and a non-zero exit, before any file is taken.
 */
import type { ChildProcess } from 'node:child_process';
import { copyFile, readdir } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../../eventually.ts';
import { createTestPipeline, type TestPipeline } from '../../pipeline-harness.ts';
import { spawnSluice, waitForLog } from '../../sluice-process.ts';

const SEED = new URL('../../../../shared/data/seed/daily8-china-russia.txt', import.meta.url);

let pipeline: TestPipeline | undefined;
const children: ChildProcess[] = [];
const servers: Server[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  await pipeline?.cleanup();
  pipeline = undefined;
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
