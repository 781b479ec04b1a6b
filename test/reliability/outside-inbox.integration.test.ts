/**
 * Issue 13, item 8: a job naming a file outside the inbox. Whatever can add or edit a job (the
 * queue board's "add job" and "update data", anything with access to Redis) used to make the
 * worker move any file on the host: `victim/private.txt` became `victim/done/private.txt`. A
 * watched file's job is now checked to name a file of the configured inbox, before it is read and
 * where files are moved; such a job fails at once with INPUT_OUTSIDE_INBOX.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipelinePrefix } from '../../lib/keys.ts';
import type { FileJob } from '../../lib/queues.ts';
import { eventually } from '../eventually.ts';
import {
  createTestPipeline,
  type RunningPipeline,
  startPipeline,
  type TestPipeline,
} from '../pipeline-harness.ts';

const SECRET = 'The private notes of someone on this machine.\n';
let pipeline: TestPipeline;
let running: RunningPipeline;
let victim: string;
const queues: Queue[] = [];

beforeAll(async () => {
  pipeline = await createTestPipeline();
  running = await startPipeline(pipeline.config, pipeline.elasticsearch, {
    policy: { attempts: 3, backoffMs: 100 },
  });
  victim = await mkdtemp(join(tmpdir(), 'sluice-victim-'));
  await writeFile(join(victim, 'private.txt'), SECRET);
});

afterAll(async () => {
  for (const queue of queues) await queue.close();
  await running?.close();
  await pipeline?.cleanup();
  await rm(victim, { recursive: true, force: true });
});

function craftedFile(inboxPath: string, n: number): FileJob {
  return {
    fileName: basename(inboxPath),
    readPath: inboxPath,
    fileHash: createHash('sha256').update(`${SECRET}${n}`).digest('hex'),
    run: 1,
    inboxPath,
    origin: 'watch',
    capturedAt: new Date().toISOString(),
  };
}

async function failedReason(data: object, jobId: string) {
  const queue = new Queue('files', { connection: pipeline.redis, prefix: pipelinePrefix(pipeline.config) });
  queues.push(queue);
  await queue.add('crafted', data, { jobId, attempts: 3, backoff: { type: 'fixed', delay: 100 } });
  await eventually(async () => ((await queue.getJobState(jobId)) === 'failed' ? true : undefined), 20_000);
  // Read once failed: a job read before its state flipped holds the fields it had then.
  const job = await queue.getJob(jobId);
  return { reason: job?.failedReason, attempts: job?.attemptsMade };
}

describe('a job naming a file outside the inbox', () => {
  const outside = () => join(victim, 'private.txt');
  const traversal = () => `${pipeline.config.inbox}/../${basename(victim)}/private.txt`;
  const below = () => join(pipeline.config.inbox, 'done', 'x.txt');

  it.each([
    ['an absolute path elsewhere', outside],
    ['a path through ../', traversal],
    ['a path below the inbox', below],
  ] as const)('fails at once (%s) and moves nothing', async (_, path) => {
    const n = Math.random();
    const { reason, attempts } = await failedReason(craftedFile(path(), n), `crafted-${n}`);
    expect(reason).toMatch(/^INPUT_OUTSIDE_INBOX: /);
    expect(attempts).toBe(1);
    expect(await readdir(victim)).toEqual(['private.txt']);
    expect(await readFile(outside(), 'utf8')).toBe(SECRET);
  });
});
