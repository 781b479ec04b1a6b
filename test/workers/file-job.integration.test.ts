/**
 * The processor of one file's job, on the real Redis and Elasticsearch: every stage in order,
 * and what happens when the file changed after it was queued, is bad input, or meets a failure a
 * retry may fix.
 */
import { createHash } from 'node:crypto';
import { access, appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Job, UnrecoverableError } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureArticleIndex } from '../../infra/elasticsearch/article-index.ts';
import { FileLedger } from '../../lib/file-ledger.ts';
import { pipelinePrefix } from '../../lib/keys.ts';
import { createLogger } from '../../lib/logger.ts';
import type { FileJob } from '../../lib/queues.ts';
import { NearDuplicateIndex } from '../../workers/dedupe/near-duplicate-index.ts';
import { ChromeStore } from '../../workers/extract/chrome-store.ts';
import { type ExtractOptions, extractPage } from '../../workers/extract/extract-articles.ts';
import { type FileJobStages, fileProcessor } from '../../workers/file-job.ts';
import { type ArticleBatcher, articleBatcher } from '../../workers/index/index-articles.ts';
import { countDocuments, createTestPipeline, type TestPipeline } from '../pipeline-harness.ts';

const PAGE = new URL('../fixtures/pages/single-article-with-chrome.txt', import.meta.url);
const SEED = new URL('../fixtures/pages/daily8-china-russia.txt', import.meta.url);

let pipeline: TestPipeline;
let ledger: FileLedger;
let batcher: ArticleBatcher;

beforeEach(async () => {
  pipeline = await createTestPipeline();
  await ensureArticleIndex(pipeline.elasticsearch, pipeline.config.index);
  ledger = new FileLedger(pipeline.redis, {
    prefix: pipelinePrefix(pipeline.config),
    inbox: pipeline.config.inbox,
  });
  batcher = articleBatcher(pipeline.elasticsearch, { index: pipeline.config.index });
});

afterEach(async () => {
  await batcher.close();
  await pipeline.cleanup();
});

const stages = (overrides: Partial<FileJobStages> = {}): FileJobStages => ({
  ledger,
  extract: extractPage,
  nearDuplicates: new NearDuplicateIndex(pipeline.redis, { prefix: pipelinePrefix(pipeline.config) }),
  batcher,
  logger: createLogger({ level: 'silent' }),
  ...overrides,
});

/** Drops `content` into the inbox and claims it as the folder producer does; the job it would queue. */
async function queued(name: string, content: string | Uint8Array): Promise<FileJob> {
  const inboxPath = join(pipeline.config.inbox, name);
  await writeFile(inboxPath, content);
  const fileHash = createHash('sha256').update(content).digest('hex');
  const { run } = await ledger.claim({ fileHash, path: inboxPath, fileName: name });
  return {
    fileName: name,
    fileHash,
    run,
    inboxPath,
    readPath: inboxPath,
    origin: 'watch',
    capturedAt: new Date().toISOString(),
  };
}

const jobOf = (data: FileJob, attempts = 12, attemptsMade = 0) =>
  ({
    id: 'job-1',
    name: data.fileName,
    data,
    attemptsMade,
    stalledCounter: 0,
    opts: { attempts },
    updateProgress: async () => {},
  }) as unknown as Job;

describe('the file job', () => {
  it('extracts, claims, indexes and settles a file in one job', async () => {
    const data = await queued('seed.txt', await readFile(SEED, 'utf8'));
    expect(await fileProcessor(stages())(jobOf(data))).toEqual({
      status: 'done',
      articles: 4,
      newArticles: 4,
      fileName: 'seed.txt',
    });
    await access(join(pipeline.config.inbox, 'done', 'seed.txt'));
    expect(await ledger.get(data.fileHash)).toMatchObject({ status: 'done', articles: 4, newArticles: 4 });
    expect(await countDocuments(pipeline.elasticsearch, pipeline.config.index)).toBe(4);
  });

  it('processes what a file holds when it is read, not what it held when queued', async () => {
    const data = await queued('page.txt', 'An early, half-written version of the page.');
    await writeFile(data.inboxPath as string, await readFile(PAGE, 'utf8'));
    const result = await fileProcessor(stages())(jobOf(data));
    expect(result).toMatchObject({ status: 'done', articles: 1 });
    const now = createHash('sha256')
      .update(await readFile(PAGE))
      .digest('hex');
    expect(await ledger.get(now)).toMatchObject({ status: 'done', articles: 1 });
    // The content that was queued was never indexed: superseded, not failed into failed/.
    expect(await ledger.get(data.fileHash)).toMatchObject({ status: 'failed' });
    expect(JSON.parse((await ledger.get(data.fileHash))?.error ?? '{}').code).toBe('INPUT_CHANGED');
    await access(join(pipeline.config.inbox, 'done', 'page.txt'));
  });

  it('takes back what it indexed and queues the file again as new content when it changed after it was read', async () => {
    const page = await readFile(PAGE);
    const half = page.subarray(0, page.length / 2);
    const data = await queued('slow.txt', half);
    const requeued: FileJob[] = [];
    const nearDuplicates = new NearDuplicateIndex(pipeline.redis, {
      prefix: pipelinePrefix(pipeline.config),
    });
    const result = await fileProcessor(
      stages({
        nearDuplicates,
        // The writer writes the rest once the half page was read, through the same file.
        extract: async (bytes, options) => {
          await appendFile(data.inboxPath as string, page.subarray(half.length));
          return extractPage(bytes, options);
        },
        requeue: async (file) => {
          requeued.push(file);
        },
      }),
    )(jobOf(data));
    expect(result).toEqual({ status: 'superseded', fileName: 'slow.txt' });
    // Back in the inbox, and nothing of the half page left in the index or the dedup state.
    expect((await readFile(data.inboxPath as string)).equals(page)).toBe(true);
    await expect(access(join(pipeline.config.inbox, 'done', 'slow.txt'))).rejects.toThrow();
    expect(await countDocuments(pipeline.elasticsearch, pipeline.config.index)).toBe(0);
    expect((await nearDuplicates.memoryUsage()).articles).toBe(0);
    const superseded = await ledger.get(data.fileHash);
    expect(superseded).toMatchObject({ status: 'failed', articles: 0 });
    expect(JSON.parse(superseded?.error ?? '{}')).toMatchObject({ code: 'INPUT_CHANGED', stage: 'finalize' });
    // Queued again as its new content, claimed in the ledger.
    const fileHash = createHash('sha256').update(page).digest('hex');
    expect(requeued).toEqual([
      expect.objectContaining({ fileHash, run: 1, fileName: 'slow.txt', inboxPath: data.inboxPath }),
    ]);
    expect(await ledger.get(fileHash)).toMatchObject({ status: 'pending' });
    // ...and that job indexes it.
    expect(await fileProcessor(stages({ nearDuplicates }))(jobOf(requeued[0] as FileJob))).toMatchObject({
      status: 'done',
      articles: 1,
      newArticles: 1,
    });
    await access(join(pipeline.config.inbox, 'done', 'slow.txt'));
  });

  it('puts a file back into the inbox, with no report, when it changed after it was read and failed', async () => {
    // A scraper's first chunk: the page's chrome, no article yet.
    const head = 'Menu\nHome\nAbout us\nContact\n';
    const data = await queued('chrome-first.txt', head);
    const rest = await readFile(PAGE);
    const run = fileProcessor(
      stages({
        extract: async (bytes, options) => {
          await appendFile(data.inboxPath as string, rest);
          return extractPage(bytes, options);
        },
      }),
    )(jobOf(data));
    await expect(run).rejects.toThrow(/^INPUT_NO_ARTICLES: /);
    expect(await readFile(data.inboxPath as string, 'utf8')).toBe(`${head}${rest}`);
    await expect(access(join(pipeline.config.inbox, 'failed', 'chrome-first.txt'))).rejects.toThrow();
    await expect(
      access(join(pipeline.config.inbox, 'failed', 'chrome-first.txt.error.json')),
    ).rejects.toThrow();
    expect(JSON.parse((await ledger.get(data.fileHash))?.error ?? '{}').code).toBe('INPUT_CHANGED');
  });

  it('settles bad input as failed at once, with its report, never retried', async () => {
    const data = await queued('empty.txt', ' \n ');
    const run = fileProcessor(stages())(jobOf(data));
    await expect(run).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(run).rejects.toThrow(/^INPUT_EMPTY: /);
    const report = JSON.parse(
      await readFile(join(pipeline.config.inbox, 'failed', 'empty.txt.error.json'), 'utf8'),
    );
    expect(report).toMatchObject({ code: 'INPUT_EMPTY', stage: 'extract', file: 'empty.txt' });
  });

  it('leaves a file pending in the inbox when a retry may fix what failed', async () => {
    const data = await queued('page.txt', await readFile(PAGE, 'utf8'));
    const refused = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    const away = { claimAll: refused, seed: refused, release: refused };
    await expect(fileProcessor(stages({ nearDuplicates: away }))(jobOf(data))).rejects.not.toBeInstanceOf(
      UnrecoverableError,
    );
    expect((await ledger.get(data.fileHash))?.status).toBe('pending');
    await access(data.inboxPath as string);
  });

  it('learns the chrome of the files it settles, and leaves it out of the next ones', async () => {
    const chrome = new ChromeStore(pipeline.redis, { prefix: pipelinePrefix(pipeline.config), refreshMs: 0 });
    const seen: Array<{ file: string; known: number; body: string }> = [];
    const extract = (bytes: Uint8Array, options: ExtractOptions) => {
      const page = extractPage(bytes, options);
      const body = page.articles.find((article) => article.primary)?.body ?? '';
      seen.push({ file: options.fileName, known: options.knownChrome?.size ?? 0, body });
      return page;
    };
    const processor = fileProcessor(stages({ extract, chrome }));
    const fixture = (name: string) =>
      readFile(new URL(`../fixtures/chrome/${name}`, import.meta.url), 'utf8');
    for (const n of [1, 2, 3, 4]) {
      const data = await queued(`teacher-${n}.txt`, await fixture(`blog-archive-teacher-${n}.txt`));
      expect(await processor(jobOf(data))).toMatchObject({ status: 'done' });
    }
    // Counted after use: no file was taught by its own lines, the first by none.
    expect(seen.map((page) => page.known)).toEqual([0, 0, 0, 0]);
    const target = await queued('target.txt', await fixture('blog-archive-target.txt'));
    expect(await processor(jobOf(target))).toMatchObject({ status: 'done', articles: 1 });
    const last = seen.at(-1);
    expect(last?.known).toBeGreaterThan(0);
    expect(last?.body).toContain('simdjson');
    expect(last?.body).not.toContain('August 2019 (9)');
  });

  it('only finishes the move of a run the ledger already settled (a retry after its worker died)', async () => {
    const data = await queued('page.txt', await readFile(PAGE, 'utf8'));
    await ledger.settle(data.fileHash, data.run, { status: 'done', articles: 1, newArticles: 1 });
    expect(await fileProcessor(stages())(jobOf(data, 12, 1))).toEqual({
      status: 'skipped',
      fileName: 'page.txt',
    });
    // ...and finishes the move the attempt before could not make.
    await access(join(pipeline.config.inbox, 'done', 'page.txt'));
  });
});
