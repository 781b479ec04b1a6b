import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UnrecoverableError } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Article } from '../../../lib/article.ts';
import { FileLedger } from '../../../lib/file-ledger.ts';
import { pipelinePrefix } from '../../../lib/keys.ts';
import { createLogger } from '../../../lib/logger.ts';
import type { FileRef } from '../../../lib/queues.ts';
import { extractProcessor } from '../../../workers/extract/extract-worker.ts';
import { createTestPipeline, type TestPipeline } from '../../pipeline-harness.ts';
import { claimedFile, jobOf } from '../stage-processors.ts';

const PAGE = new URL('../../fixtures/pages/single-article-with-chrome.txt', import.meta.url);

let pipeline: TestPipeline;
let ledger: FileLedger;
let handedOn: Array<{ file: FileRef; articles: readonly Article[] }>;

beforeEach(async () => {
  pipeline = await createTestPipeline();
  ledger = new FileLedger(pipeline.redis, {
    prefix: pipelinePrefix(pipeline.config),
    inbox: pipeline.config.inbox,
  });
  handedOn = [];
});

afterEach(() => pipeline.cleanup());

const processor = () =>
  extractProcessor({
    ledger,
    logger: createLogger({ level: 'silent' }),
    handOn: async (file, articles) => {
      handedOn.push({ file, articles });
    },
  });

const extractJob = async (file: FileRef) => ({
  ...file,
  bytes: (await readFile(file.inboxPath as string)).toString('base64'),
});

describe('the extract stage processor', () => {
  it("hands the file's articles on, with the file they came from", async () => {
    const file = await claimedFile(ledger, pipeline.config.inbox, 'page.txt', await readFile(PAGE, 'utf8'));
    const result = await processor()(jobOf({ data: await extractJob(file) }));
    expect(result.skipped).toBe(false);
    expect(handedOn).toHaveLength(1);
    expect(handedOn[0]?.file).toEqual(file);
    expect(handedOn[0]?.articles.length).toBe(result.articles);
    expect(handedOn[0]?.articles.filter((article) => article.primary)).toHaveLength(1);
  });

  it('does nothing for a run the ledger already settled (a retry after the flow finished)', async () => {
    const file = await claimedFile(ledger, pipeline.config.inbox, 'page.txt', await readFile(PAGE, 'utf8'));
    await ledger.settle(file.fileHash, file.run, { status: 'done', articles: 1, newArticles: 1 });
    expect(await processor()(jobOf({ data: await extractJob(file) }))).toEqual({
      articles: 0,
      skipped: true,
    });
    expect(handedOn).toEqual([]);
  });

  it('settles bad input as failed at once, with its report, and never retries it', async () => {
    const file = await claimedFile(ledger, pipeline.config.inbox, 'empty.txt', ' \n ');
    const run = processor()(jobOf({ data: await extractJob(file), attempts: 12 }));
    await expect(run).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(run).rejects.toThrow(/^INPUT_EMPTY: /);
    expect((await ledger.get(file.fileHash))?.status).toBe('failed');
    const report = JSON.parse(
      await readFile(join(pipeline.config.inbox, 'failed', 'empty.txt.error.json'), 'utf8'),
    );
    expect(report).toMatchObject({ code: 'INPUT_EMPTY', stage: 'extract', file: 'empty.txt' });
    expect(handedOn).toEqual([]);
  });

  it('lets a retryable failure be retried, leaving the file pending in the inbox', async () => {
    const file = await claimedFile(ledger, pipeline.config.inbox, 'page.txt', await readFile(PAGE, 'utf8'));
    const failing = extractProcessor({
      ledger,
      logger: createLogger({ level: 'silent' }),
      handOn: async () => {
        throw new Error('Redis went away');
      },
    });
    const run = failing(jobOf({ data: await extractJob(file), attempts: 12 }));
    await expect(run).rejects.toThrow(/^INTERNAL: Redis went away/);
    await expect(run).rejects.not.toBeInstanceOf(UnrecoverableError);
    expect((await ledger.get(file.fileHash))?.status).toBe('pending');
  });
});
