import { createHash } from 'node:crypto';
import { link, mkdir, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileLedger } from '../../lib/file-ledger.ts';
import { partitionOf, partitionPrefixes, pipelinePrefix } from '../../lib/keys.ts';
import { createLogger } from '../../lib/logger.ts';
import { createMetrics } from '../../lib/metrics.ts';
import {
  closeQueues,
  jobIds,
  jobPolicy,
  openFileQueues,
  openQueues,
  type PipelineQueues,
} from '../../lib/queues.ts';
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
    spoolDir: pipeline.config.spoolDir,
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
  it('queues a job that names the file, never its bytes, with the content hash and the capture time', async () => {
    const path = await drop('page.txt', 'Some page');
    const submission = await submitter().submitPath(path);
    expect(submission).toEqual({
      outcome: 'queued',
      fileName: 'page.txt',
      fileHash: sha256('Some page'),
      run: 1,
    });
    const job = await queues.files.getJob(jobIds.file({ fileHash: sha256('Some page'), run: 1 }));
    expect(job?.name).toBe('page.txt');
    expect(job?.data).toEqual({
      fileName: 'page.txt',
      fileHash: sha256('Some page'),
      run: 1,
      inboxPath: path,
      readPath: path,
      origin: 'watch',
      capturedAt: expect.any(String),
    });
    expect(JSON.stringify(job?.data)).not.toContain(Buffer.from('Some page').toString('base64'));
    expect(job?.opts.attempts).toBe(jobPolicy().attempts);
  });

  it('keeps input without a file (stdin) in the spool, under its hash, and names that copy', async () => {
    const bytes = Buffer.from('A page piped in');
    const submission = await submitter({ origin: 'ingest' }).submitBytes({
      bytes,
      fileName: 'stdin',
      path: '-',
      capturedAt: new Date(),
    });
    expect(submission.outcome).toBe('queued');
    const job = await queues.files.getJob(jobIds.file({ fileHash: sha256('A page piped in'), run: 1 }));
    const spooled = join(pipeline.config.spoolDir, sha256('A page piped in'));
    expect(job?.data).toMatchObject({ readPath: spooled, inboxPath: null });
    expect(await readFile(spooled, 'utf8')).toBe('A page piped in');
    expect(await readdir(pipeline.config.spoolDir)).toEqual([sha256('A page piped in')]);
  });

  it('keeps a copy of content in flight in the inbox, following it, and moves a repeat of settled content to done/', async () => {
    const first = await submitter().submitPath(await drop('first.txt', 'Same page'));
    const second = await submitter().submitPath(await drop('second.txt', 'Same page'));
    expect(second.outcome).toBe('follow');
    expect(await readdir(join(pipeline.config.inbox, 'done')).catch(() => [])).toEqual([]);
    expect((await ledger.get(sha256('Same page')))?.repeats).toBe(1);
    expect(await queues.files.getWaitingCount()).toBe(1);

    // Once the content is done, the follower goes with it, and a later copy is a plain repeat.
    const { followers } = await ledger.settle(
      sha256('Same page'),
      first.outcome === 'queued' ? first.run : 0,
      {
        status: 'done',
      },
    );
    expect(followers).toEqual([join(pipeline.config.inbox, 'second.txt')]);
    const third = await submitter().submitPath(await drop('third.txt', 'Same page'));
    expect(third.outcome).toBe('repeat');
    expect(await readdir(join(pipeline.config.inbox, 'done'))).toEqual(['third.txt']);
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
      expect(await queues.files.getWaitingCount()).toBe(0);
      expect(await ledger.get(sha256('Private notes'))).toBeNull();
      expect(await readFile(join(outside, 'private.txt'), 'utf8')).toBe('Private notes');
      expect(await readdir(join(pipeline.config.inbox, 'failed'))).toEqual(['x.txt', 'x.txt.error.json']);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  // A move out of the inbox is a link into done/ or failed/, then the unlink of the inbox name: a
  // sweep that reads the file in between sees two links. It was refused as a hard link from
  // outside, so a file being moved to done/ was also linked into failed/ with a false report.
  it('leaves a file caught between the link and the unlink of its move to done/ to its mover', async () => {
    const path = await drop('page.txt', 'Some page');
    const claim = await ledger.claim({ fileHash: sha256('Some page'), path, fileName: 'page.txt' });
    await ledger.settle(sha256('Some page'), claim.run, { status: 'done', articles: 1, newArticles: 1 });
    const done = join(pipeline.config.inbox, 'done');
    await mkdir(done);
    await link(path, join(done, 'page.txt'));
    const submission = await submitter().submitPath(path);
    expect(submission).toEqual({ outcome: 'moving', fileName: 'page.txt' });
    await unlink(path); // the mover finishes
    expect(await readdir(pipeline.config.inbox)).toEqual(['done']);
    expect(await readdir(done)).toEqual(['page.txt']);
    expect(await ledger.get(sha256('Some page'))).toMatchObject({ status: 'done', run: claim.run });
  });

  it('leaves a file caught in its move to failed/, under a numbered name, to its mover: not queued again', async () => {
    const path = await drop('page.txt', 'Bad page');
    const claim = await ledger.claim({ fileHash: sha256('Bad page'), path, fileName: 'page.txt' });
    const error = { code: 'INPUT_EMPTY', message: 'no text', stage: 'extract' };
    await ledger.settle(sha256('Bad page'), claim.run, { status: 'failed', error });
    const failed = join(pipeline.config.inbox, 'failed');
    await mkdir(failed);
    await writeFile(join(failed, 'page.txt'), 'An older page of that name');
    await writeFile(join(failed, 'page.txt.error.json'), '{}');
    await writeFile(join(failed, 'page.1.txt.error.json'), '{}');
    await link(path, join(failed, 'page.1.txt'));
    const submission = await submitter().submitPath(path);
    expect(submission).toEqual({ outcome: 'moving', fileName: 'page.txt' });
    expect(await queues.files.getWaitingCount()).toBe(0);
    expect(await ledger.get(sha256('Bad page'))).toMatchObject({ status: 'failed', run: claim.run });
    expect((await readdir(failed)).sort()).toEqual([
      'page.1.txt',
      'page.1.txt.error.json',
      'page.txt',
      'page.txt.error.json',
    ]);
  });

  it('still refuses a hard link from outside when done/ holds other files of its name', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'sluice-outside-'));
    try {
      await writeFile(join(outside, 'private.txt'), 'Private notes');
      const done = join(pipeline.config.inbox, 'done');
      await mkdir(done);
      await writeFile(join(done, 'x.txt'), 'Another page');
      const path = join(pipeline.config.inbox, 'x.txt');
      await link(join(outside, 'private.txt'), path);
      const submission = await submitter().submitPath(path);
      expect(submission).toMatchObject({ outcome: 'refused', failure: { code: 'INPUT_OUTSIDE_INBOX' } });
      expect(await ledger.get(sha256('Private notes'))).toBeNull();
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
    expect(await queues.files.getWaitingCount()).toBe(1);
    // ...and does not queue it twice when the job is there.
    expect((await submitter().submitPath(path)).outcome).toBe('resumed');
    expect(await queues.files.getWaitingCount()).toBe(1);
  });

  it('waits while more files are unfinished than the limit', async () => {
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
      spoolDir: pipeline.config.spoolDir,
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
    expect(await queues.files.getWaitingCount()).toBe(2);
    await queues.files.drain();
    await pending;
    expect(third).toBe(true);
  });

  it('partitioned (SLUICE_PARTITIONS=3), queues each file in its content partition and pauses on the sum of all', async () => {
    const prefixes = partitionPrefixes({ queuePrefix: pipeline.config.queuePrefix, partitions: 3 });
    const partitioned = openFileQueues(pipeline.redis, prefixes);
    const partitionedLedger = new FileLedger(pipeline.redis, {
      prefix: prefixes,
      inbox: pipeline.config.inbox,
    });
    const logged: string[] = [];
    const limited = new FileSubmitter(
      partitioned,
      partitionedLedger,
      createLogger({ level: 'info', destination: { write: (line: string) => logged.push(line) } }),
      {
        origin: 'watch',
        maxFileBytes: 1000,
        maxQueueDepth: 5,
        backpressurePollMs: 20,
        spoolDir: pipeline.config.spoolDir,
      },
    );
    try {
      const hashes: string[] = [];
      for (let i = 0; i < 6; i++) {
        const submission = await limited.submitPath(await drop(`p${i}.txt`, `Page ${i}`));
        if (submission.outcome === 'queued') hashes.push(submission.fileHash);
      }
      expect(hashes).toHaveLength(6);
      for (const fileHash of hashes) {
        const queue = partitioned.files.partitions[partitionOf(fileHash, 3)];
        expect(await queue?.getJob(jobIds.file({ fileHash, run: 1 }))).toBeDefined();
        expect(await partitioned.files.getJob(jobIds.file({ fileHash, run: 1 }))).toBeDefined();
      }
      expect((await partitioned.files.getJobCounts('waiting')).waiting).toBe(6);
      // Six unfinished over three queues, more than five: the next file waits.
      let queued = false;
      const pending = limited.submitPath(await drop('p6.txt', 'Page 6')).then(() => {
        queued = true;
      });
      await eventually(async () => (logged.some((line) => line.includes('pausing')) ? true : undefined));
      expect(queued).toBe(false);
      await Promise.all(partitioned.files.partitions.map((queue) => queue.drain()));
      await pending;
      expect(queued).toBe(true);
    } finally {
      await partitioned.files.close();
      for (const prefix of prefixes) {
        const keys = await pipeline.redis.keys(`${prefix}*`);
        if (keys.length > 0) await pipeline.redis.unlink(...keys);
      }
    }
  });
});
