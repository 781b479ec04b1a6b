/**
 * done/ not writable (a read-only or full disk, as far as a rename can tell): the file stays in
 * the inbox with a clear FILE_MOVE_FAILED error, is retried, and lands in done/ once the folder
 * is writable again; out of retries it is reported in failed/ instead. It is never deleted.
 */
import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { auditPipeline } from '../../infra/audit/audit.ts';
import { eventually } from '../eventually.ts';
import {
  createTestPipeline,
  type RunningPipeline,
  startPipeline,
  type TestPipeline,
} from '../pipeline-harness.ts';
import { AGGREGATOR_PAGES, auditWhenSettled, expectBalanced } from './fault-harness.ts';

const PAGES = ['page-dev-010.txt', 'page-dev-011.txt'];

let pipeline: TestPipeline | undefined;
let running: RunningPipeline | undefined;
let locked: string | undefined;

/** Root ignores file modes, so as root the folder is made immutable (`chattr +i`) instead. */
async function setWritable(folder: string, writable: boolean): Promise<void> {
  if (process.getuid?.() === 0) await promisify(execFile)('chattr', [writable ? '-i' : '+i', folder]);
  else await chmod(folder, writable ? 0o755 : 0o555);
  locked = writable ? undefined : folder;
}

afterEach(async () => {
  if (locked) await setWritable(locked, true);
  await running?.close();
  await pipeline?.cleanup();
});

async function dropPages(p: TestPipeline, policy?: { attempts: number; backoffMs: number }) {
  const done = join(p.config.inbox, 'done');
  await mkdir(done);
  await setWritable(done, false);
  running = await startPipeline(p.config, p.elasticsearch, { policy });
  for (const name of PAGES) await copyFile(new URL(name, AGGREGATOR_PAGES), join(p.config.inbox, name));
  return done;
}

describe('done/ not writable', () => {
  it('keeps the files in the inbox while it retries, and moves them once done/ is writable', {
    timeout: 90_000,
  }, async () => {
    pipeline = await createTestPipeline();
    const p = pipeline;
    const done = await dropPages(p);
    // Both files indexed, their jobs failed once in finalize and wait for a retry.
    await eventually(
      async () => {
        const report = await auditPipeline(p.config);
        return (report.jobs.files?.delayed ?? 0) === PAGES.length ? true : undefined;
      },
      60_000,
      200,
    );
    const { failedReason } = (await p.redis.hgetall(
      `{${p.config.queuePrefix}}:files:${(await p.redis.zrange(`{${p.config.queuePrefix}}:files:delayed`, 0, 0))[0]}`,
    )) as { failedReason?: string };
    expect(failedReason).toMatch(
      /^FILE_MOVE_FAILED: Cannot move page-dev-01\d\.txt into done\/ \(.+\); it stays in the inbox$/,
    );
    expect((await readdir(p.config.inbox)).filter((name) => name.endsWith('.txt')).sort()).toEqual(PAGES);

    await setWritable(done, true);
    const report = await auditWhenSettled(p.config, 60_000);
    await expectBalanced(p, report);
    expect(await readdir(done)).toEqual(PAGES);
  });

  it('reports the files in failed/ with the reason when its retries run out', {
    timeout: 90_000,
  }, async () => {
    pipeline = await createTestPipeline();
    const p = pipeline;
    await dropPages(p, { attempts: 2, backoffMs: 200 });
    const report = await auditWhenSettled(p.config, 60_000);
    await expectBalanced(p, report);
    expect(report.files).toMatchObject({
      inbox: 0,
      done: 0,
      failed: PAGES.length,
      failedReports: PAGES.length,
    });
    for (const name of PAGES) {
      const reason = JSON.parse(await readFile(join(p.config.inbox, 'failed', `${name}.error.json`), 'utf8'));
      expect(reason).toMatchObject({ code: 'FILE_MOVE_FAILED', stage: 'finalize', file: name });
    }
  });
});
