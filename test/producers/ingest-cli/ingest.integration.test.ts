import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatSummary, untakenJobs } from '../../../bin/commands/ingest.ts';
import { openPipelineProcess } from '../../../bin/pipeline-process.ts';
import { FileLedger } from '../../../lib/file-ledger.ts';
import { pipelinePrefix } from '../../../lib/keys.ts';
import { createLogger } from '../../../lib/logger.ts';
import { expandPaths, ingest } from '../../../producers/ingest-cli/ingest.ts';
import { openProducer, type Producer } from '../../../producers/open-producer.ts';
import { createTestPipeline, type TestPipeline } from '../../pipeline-harness.ts';

const SEED = fileURLToPath(new URL('../../../../shared/data/seed/daily8-china-russia.txt', import.meta.url));

let pipeline: TestPipeline;
let producer: Producer;

beforeEach(async () => {
  pipeline = await createTestPipeline({ SLUICE_MAX_FILE_BYTES: '1000' });
  producer = openProducer(pipeline.config, createLogger({ level: 'silent' }), 'ingest');
  const folder = pipeline.config.inbox;
  await mkdir(join(folder, 'nested'));
  await writeFile(join(folder, 'a.txt'), 'Page A');
  await writeFile(join(folder, 'nested', 'b.txt'), 'Page B');
  await writeFile(join(folder, 'nested', 'copy-of-a.txt'), 'Page A');
  await writeFile(join(folder, 'nested', '.hidden.txt'), 'hidden');
  await writeFile(join(folder, 'big.txt'), 'x'.repeat(2000));
});

afterEach(async () => {
  await producer.close();
  await pipeline.cleanup();
});

describe('ingest', () => {
  it('expands folders recursively in name order, skipping hidden files, and keeps - for stdin', async () => {
    const folder = pipeline.config.inbox;
    expect(await expandPaths([folder, '-'])).toEqual([
      join(folder, 'a.txt'),
      join(folder, 'big.txt'),
      join(folder, 'nested', 'b.txt'),
      join(folder, 'nested', 'copy-of-a.txt'),
      '-',
    ]);
  });

  it('queues files and stdin, counts repeats, and reports refused and missing files as failed', async () => {
    const folder = pipeline.config.inbox;
    const progress: number[] = [];
    const summary = await ingest(producer.submitter, producer.ledger, {
      paths: [folder, '-', join(folder, 'missing.txt')],
      wait: false,
      stdin: Readable.from([Buffer.from('Page from stdin')]),
      concurrency: 1,
      onProgress: ({ done }) => progress.push(done),
    });
    expect(summary).toMatchObject({ files: 6, queued: 3, repeats: 1, done: 0 });
    expect(summary.failed.map((failure) => failure.error.split(':')[0])).toEqual([
      'INPUT_TOO_LARGE',
      'INPUT_UNREADABLE',
    ]);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await producer.queues.files.getJobCounts('waiting')).waiting).toBe(3);
    expect(formatSummary(summary, false)).toMatch(
      /^6 files: 3 queued, 1 repeats \(seen before, not processed again\)\.\n2 refused\.\nfailed: big\.txt: INPUT_TOO_LARGE/,
    );
  });
});

describe('ingest --wait', () => {
  // The seed page is over the 1000 bytes the tests above refuse.
  const config = () => ({ ...pipeline.config, maxFileBytes: 1_000_000 });
  const workers = () =>
    openPipelineProcess(config(), createLogger({ level: 'silent' }), {
      serve: false,
      elasticsearch: pipeline.elasticsearch,
    });
  beforeEach(async () => {
    await producer.close();
    producer = openProducer(config(), createLogger({ level: 'silent' }), 'ingest');
  });

  it("counts only this run's work: files settled before it are repeats, not done (issue 16)", async () => {
    const running = await workers();
    try {
      const options = { paths: [SEED], wait: true, pollMs: 50 };
      const first = await ingest(producer.submitter, producer.ledger, options);
      expect(first).toMatchObject({ queued: 1, repeats: 0, done: 1, articles: 4, newArticles: 4 });
      const again = await ingest(producer.submitter, producer.ledger, options);
      expect(again).toMatchObject({ queued: 0, repeats: 1, done: 0, articles: 0, newArticles: 0 });
      expect(again.failed).toEqual([]);
      expect(formatSummary(again, true)).toMatch(/\n0 done, 0 failed; 0 articles: 0 new/);
    } finally {
      await running.close();
    }
  });

  it('says so when no worker takes the queued jobs, and goes on waiting for one (issue 16)', async () => {
    const notices: number[] = [];
    const waited = ingest(producer.submitter, producer.ledger, {
      paths: [SEED],
      wait: true,
      pollMs: 50,
      noWorkers: {
        untaken: () => untakenJobs(producer.queues),
        afterMs: 300,
        notice: () => notices.push(Date.now()),
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(notices).toHaveLength(1);
    const running = await workers();
    try {
      expect(await waited).toMatchObject({ done: 1, articles: 4 });
      expect(notices).toHaveLength(1);
    } finally {
      await running.close();
    }
  });

  it('ends when a file settled and its ledger entry expired before the wait read it (issue 15)', async () => {
    const hash = createHash('sha256')
      .update(await readFile(SEED))
      .digest('hex');
    const waited = ingest(producer.submitter, producer.ledger, { paths: [SEED], wait: true, pollMs: 300 });
    await waitForEntry(producer.ledger, hash);
    // What a worker does with a window shorter than the wait's poll: settle, then the entry expires.
    const shortWindow = new FileLedger(pipeline.redis, {
      prefix: pipelinePrefix(pipeline.config),
      inbox: pipeline.config.inbox,
      windowMs: 1,
    });
    await shortWindow.settle(hash, 1, { status: 'done', articles: 4, newArticles: 4 });
    const outcome = await Promise.race([
      waited,
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 3000)),
    ]);
    expect(outcome).toMatchObject({ queued: 1, done: 0, forgotten: 1, failed: [] });
    expect(formatSummary(outcome as Awaited<typeof waited>, true)).toMatch(
      /\n1 settled whose outcome was forgotten: their ledger entries expired \(SLUICE_DEDUP_WINDOW\) before they were read\./,
    );
  });
});

async function waitForEntry(ledger: FileLedger, hash: string): Promise<void> {
  for (let i = 0; i < 100 && (await ledger.get(hash)) === null; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
