import { createHash } from 'node:crypto';
import { link, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileLedger } from '../../lib/file-ledger.ts';
import { pipelinePrefix } from '../../lib/keys.ts';
import { createLogger } from '../../lib/logger.ts';
import { createMetrics } from '../../lib/metrics.ts';
import { closeQueues, jobIds, jobPolicy, openQueues, type PipelineQueues } from '../../lib/queues.ts';
import { FileSubmitter, type FileSubmitterOptions } from '../../producers/file-submitter.ts';
import { eventually } from '../eventually.ts';
import { createTestPipeline, type TestPipeline } from '../pipeline-harness.ts';

const logger = createLogger({ level: 'silent' });
let pipeline: TestPipeline;
let queues: PipelineQueues;
let ledger: FileLedger;

beforeEach(async () => {
  pipeline = await createTestPipeline();
  queues = openQueues(pipeline.redis, pipelinePrefix(pipeline.config));
  ledger = new FileLedger(pipeline.redis, {
    prefix: pipelinePrefix(pipeline.config),
    inbox: pipeline.config.inbox,
  });
});

afterEach(async () => {
  await closeQueues(queues);
  await pipeline.cleanup();
});

function submitter(options: Partial<FileSubmitterOptions> = {}) {
  return new FileSubmitter(queues, ledger, logger, {
    origin: 'watch',
    maxFileBytes: 1000,
    maxQueueDepth: 100,
    ...options,
  });
}

async function drop(name: string, content: string | Buffer): Promise<string> {
  const path = join(pipeline.config.inbox, name);
  await writeFile(path, content);
  return path;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('FileSubmitter', () => {
  it('queues an extract job with the raw bytes, the content hash and the capture time', async () => {
    const path = await drop('page.txt', 'Some page');
    const submission = await submitter().submitPath(path);
    expect(submission).toEqual({
      outcome: 'queued',
      fileName: 'page.txt',
      fileHash: sha256('Some page'),
      run: 1,
    });
    const job = await queues.extract.getJob(jobIds.extract({ fileHash: sha256('Some page'), run: 1 }));
    expect(job?.data).toMatchObject({ fileName: 'page.txt', inboxPath: path, origin: 'watch', run: 1 });
    expect(Buffer.from(job?.data.bytes, 'base64').toString()).toBe('Some page');
    expect(job?.opts.attempts).toBe(jobPolicy().attempts);
  });

  it('records the same content under another name as a repeat and moves it to done/', async () => {
    await submitter().submitPath(await drop('first.txt', 'Same page'));
    const second = await submitter().submitPath(await drop('second.txt', 'Same page'));
    expect(second.outcome).toBe('repeat');
    expect(await readdir(join(pipeline.config.inbox, 'done'))).toEqual(['second.txt']);
    expect((await ledger.get(sha256('Same page')))?.repeats).toBe(1);
    expect(await queues.extract.getWaitingCount()).toBe(1);
  });

  // Issue 13, item 9: `ln /outside/private.txt inbox/x.txt` was indexed and moved.
  it('refuses a hard link (a file with more than one link), leaving the other name untouched', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'sluice-outside-'));
    try {
      await writeFile(join(outside, 'private.txt'), 'Private notes');
      const path = join(pipeline.config.inbox, 'x.txt');
      await link(join(outside, 'private.txt'), path);
      const submission = await submitter().submitPath(path);
      expect(submission).toMatchObject({ outcome: 'refused', failure: { code: 'INPUT_OUTSIDE_INBOX' } });
      expect(await queues.extract.getWaitingCount()).toBe(0);
      expect(await ledger.get(sha256('Private notes'))).toBeNull();
      expect(await readFile(join(outside, 'private.txt'), 'utf8')).toBe('Private notes');
      expect(await readdir(join(pipeline.config.inbox, 'failed'))).toEqual(['x.txt', 'x.txt.error.json']);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('refuses an oversized file without reading it, into failed/ with the reason', async () => {
    const submission = await submitter({ maxFileBytes: 10 }).submitPath(
      await drop('big.txt', 'x'.repeat(11)),
    );
    expect(submission).toMatchObject({
      outcome: 'refused',
      failure: { code: 'INPUT_TOO_LARGE', stage: 'watch' },
    });
    const report = JSON.parse(
      await readFile(join(pipeline.config.inbox, 'failed', 'big.txt.error.json'), 'utf8'),
    );
    expect(report.message).toBe('big.txt has 11 bytes, more than the limit of 10 (SLUICE_MAX_FILE_BYTES)');
  });

  it('refuses an empty file', async () => {
    const submission = await submitter().submitPath(await drop('empty.txt', ''));
    expect(submission).toMatchObject({ outcome: 'refused', failure: { code: 'INPUT_EMPTY' } });
    expect((await readdir(join(pipeline.config.inbox, 'failed'))).sort()).toEqual([
      'empty.txt',
      'empty.txt.error.json',
    ]);
  });

  it('counts each refused file in sluice_files_failed_total by its code', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const counting = submitter({ maxFileBytes: 10, metrics });
    await counting.submitPath(await drop('empty.txt', ''));
    await counting.submitPath(await drop('big.txt', 'x'.repeat(11)));
    await counting.submitPath(await drop('also-big.txt', 'y'.repeat(11)));
    await counting.submitPath(await drop('fine.txt', 'A page'));
    const counted = (await metrics.filesFailed.get()).values.map(({ labels, value }) => [labels.code, value]);
    expect(counted.sort()).toEqual([
      ['INPUT_EMPTY', 1],
      ['INPUT_TOO_LARGE', 2],
    ]);
  });

  it('leaves an ingested file where it is', async () => {
    const path = await drop('big.txt', 'x'.repeat(11));
    await submitter({ origin: 'ingest', maxFileBytes: 10 }).submitPath(path);
    expect(await readdir(pipeline.config.inbox)).toEqual(['big.txt']);
  });

  it('queues a claimed file again when a producer died before queueing it', async () => {
    const path = await drop('page.txt', 'Claimed page');
    await ledger.claim({ fileHash: sha256('Claimed page'), path, fileName: 'page.txt' });
    expect((await submitter().submitPath(path)).outcome).toBe('resumed');
    expect(await queues.extract.getWaitingCount()).toBe(1);
    // ...and does not queue it twice when the job is there.
    expect((await submitter().submitPath(path)).outcome).toBe('resumed');
    expect(await queues.extract.getWaitingCount()).toBe(1);
  });

  it('waits while the extract queue is deeper than the limit', async () => {
    const logged: string[] = [];
    const watched = createLogger({
      level: 'info',
      destination: { write: (line: string) => logged.push(line) },
    });
    const limited = new FileSubmitter(queues, ledger, watched, {
      origin: 'watch',
      maxFileBytes: 1000,
      maxQueueDepth: 1,
      backpressurePollMs: 20,
    });
    await limited.submitPath(await drop('a.txt', 'A'));
    await limited.submitPath(await drop('b.txt', 'B'));
    let third = false;
    const pending = limited.submitPath(await drop('c.txt', 'C')).then(() => {
      third = true;
    });
    // Once it says it paused, it has seen the full queue: the third file must not be queued yet.
    await eventually(async () => (logged.some((line) => line.includes('pausing')) ? true : undefined));
    expect(third).toBe(false);
    expect(await queues.extract.getWaitingCount()).toBe(2);
    await queues.extract.drain();
    await pending;
    expect(third).toBe(true);
  });
});
