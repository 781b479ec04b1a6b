/**
 * A slow writer (issue 13, item 3): a scraper writes half a page into the inbox, pauses longer
 * than the folder watcher's stability wait, then writes the rest through the same open file, so
 * the rest lands in the file's inode wherever the job has moved it by then. The half page used to
 * be indexed and the full bytes moved to done/ under its record. The bytes that were indexed must
 * be the bytes in done/: the full page is processed again as new content, and no article indexed
 * from the half page survives.
 *
 * Deterministic: the worker's extract stage waits at a gate once it has read the half page; the
 * test writes the rest and then opens the gate. Everything else is the real pipeline: the folder
 * watcher, the file job on the files queue, Redis and Elasticsearch.
 */
import { createHash } from 'node:crypto';
import { type FileHandle, open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureArticleIndex } from '../../infra/elasticsearch/article-index.ts';
import type { Article } from '../../lib/article.ts';
import type { ArticleDocument } from '../../lib/article-document.ts';
import { createRedis } from '../../lib/connections.ts';
import { FileLedger } from '../../lib/file-ledger.ts';
import { pipelinePrefix } from '../../lib/keys.ts';
import { addFileJob, closeQueues, openQueues, type PipelineQueues, QUEUE_NAMES } from '../../lib/queues.ts';
import { type WatchingInbox, watchInbox } from '../../producers/folder-watcher/watch-inbox.ts';
import { NearDuplicateIndex } from '../../workers/dedupe/near-duplicate-index.ts';
import { extractArticles, extractPage } from '../../workers/extract/extract-articles.ts';
import { fileProcessor } from '../../workers/file-job.ts';
import { type ArticleBatcher, articleBatcher } from '../../workers/index/index-articles.ts';
import { createTestPipeline, type TestPipeline } from '../pipeline-harness.ts';
import { auditWhenSettled, expectBalanced, silentLogger } from './fault-harness.ts';

const PAGES = new URL('../fixtures/pages/', import.meta.url);

let pipeline: TestPipeline | undefined;
let watching: WatchingInbox | undefined;
let worker: Worker | undefined;
let batcher: ArticleBatcher | undefined;
let connection: Redis | undefined;
let queues: PipelineQueues | undefined;
let writer: FileHandle | undefined;

afterEach(async () => {
  await writer?.close();
  await watching?.close();
  await worker?.close();
  if (queues) await closeQueues(queues);
  await batcher?.close();
  await connection?.quit();
  await pipeline?.cleanup();
  writer = watching = worker = queues = batcher = connection = pipeline = undefined;
});

/** A gate the first extraction waits at, once its bytes have been read. */
function gate() {
  let reached!: () => void;
  let open!: () => void;
  const atGate = new Promise<void>((resolve) => (reached = resolve));
  const opened = new Promise<void>((resolve) => (open = resolve));
  let first = true;
  return {
    atGate,
    open,
    async pass() {
      if (!first) return;
      first = false;
      reached();
      await opened;
    },
  };
}

/**
 * The folder watcher and a worker on the files queue as workers/pipeline.ts wires it, but with an
 * extract stage (in this thread) that waits at `extractGate`.
 */
async function start(p: TestPipeline, extractGate: ReturnType<typeof gate>): Promise<void> {
  const prefix = pipelinePrefix(p.config);
  await ensureArticleIndex(p.elasticsearch, p.config.index);
  connection = createRedis(p.config.redisUrl, { blocking: true, name: 'sluice-test-worker' });
  batcher = articleBatcher(p.elasticsearch, { index: p.config.index });
  queues = openQueues(connection, prefix);
  const { files } = queues;
  worker = new Worker(
    QUEUE_NAMES.files,
    fileProcessor({
      ledger: new FileLedger(connection, { prefix, inbox: p.config.inbox }),
      extract: async (bytes, options) => {
        await extractGate.pass();
        return extractPage(bytes, options);
      },
      nearDuplicates: new NearDuplicateIndex(connection, { prefix }),
      batcher,
      requeue: (file, options) => addFileJob(files, file, options),
      logger: silentLogger,
    }),
    { connection, prefix, concurrency: 4 },
  );
  watching = await watchInbox(p.config, silentLogger);
}

async function documents(p: TestPipeline): Promise<Array<ArticleDocument & { _id: string }>> {
  await p.elasticsearch.indices.refresh({ index: p.config.index });
  const found = await p.elasticsearch.search<ArticleDocument>({ index: p.config.index, size: 100 });
  return found.hits.hits.map((hit) => ({ ...(hit._source as ArticleDocument), _id: hit._id as string }));
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const bodies = (articles: readonly Pick<Article, 'body'>[]) => articles.map((a) => a.body).sort();

describe('a slow writer', () => {
  it.each([
    // The first article whole, the second cut short (a near-duplicate of the full one's second).
    ['daily8-china-russia.txt'],
    // One article, cut after a fifth of its words.
    ['headline-above-byline-and-photos.txt'],
  ])(
    'has only the full page of %s indexed, and its full bytes in done/',
    async (fixture) => {
      pipeline = await createTestPipeline();
      const p = pipeline;
      const page = await readFile(new URL(fixture, PAGES));
      const half = page.subarray(0, Math.floor(page.length / 2));
      const capturedAt = new Date();
      const full = extractArticles(page, { fileName: fixture, capturedAt });
      const halfArticles = extractArticles(half, { fileName: fixture, capturedAt });
      // What this test is about: the half page reads as other articles than the full one.
      expect(bodies(halfArticles)).not.toEqual(bodies(full));

      const extractGate = gate();
      await start(p, extractGate);
      writer = await open(join(p.config.inbox, fixture), 'w');
      await writer.write(half);
      // The watcher saw the half page stop growing for its stability wait and queued it; a worker
      // has read it. The rest arrives now, through the same open file.
      await extractGate.atGate;
      await writer.write(page.subarray(half.length));
      extractGate.open();

      const report = await auditWhenSettled(p.config, 80_000);
      await expectBalanced(p, report);
      expect(report.files).toMatchObject({ inbox: 0, done: 1, failed: 0 });
      const done = join(p.config.inbox, 'done');
      expect(await readdir(done)).toEqual([fixture]);
      expect((await readFile(join(done, fixture))).equals(page)).toBe(true);

      const ledger = new FileLedger(p.redis, { prefix: pipelinePrefix(p.config), inbox: p.config.inbox });
      expect(await ledger.get(sha256(page))).toMatchObject({ status: 'done', articles: full.length });
      const superseded = await ledger.get(sha256(half));
      expect(superseded).toMatchObject({ status: 'failed', articles: 0 });
      expect(JSON.parse(superseded?.error ?? '{}').code).toBe('INPUT_CHANGED');

      // Only the full page's articles, each seen once, in it; the primary titled as the full page says.
      const indexed = await documents(p);
      expect(bodies(indexed)).toEqual(bodies(full));
      for (const document of indexed) {
        expect(document.sightings.map((s) => s.fileHash)).toEqual([sha256(page)]);
        // Its own article, not taken for a duplicate of a half-page one (whose id it would carry):
        // an article's id is the exact fingerprint of the body it was first claimed with.
        expect(document._id).toBe(document.fingerprint);
      }
      const primary = full.find((article) => article.primary) as Article;
      expect(indexed.find((document) => document.body === primary.body)?.title).toBe(primary.title);
    },
    90_000,
  );
});
