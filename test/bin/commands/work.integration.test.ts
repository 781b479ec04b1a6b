/**
 * `sluice work` and `sluice ingest --wait` as child processes on the 40 aggregator pages: the
 * document count, throughput, and what a worker killed with SIGKILL in the middle leaves behind;
 * and the health and metrics server of `sluice work`.
 */
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FileLedger } from '../../../lib/file-ledger.ts';
import { pipelinePrefix } from '../../../lib/keys.ts';
import { closeQueues, openQueues } from '../../../lib/queues.ts';
import { eventually } from '../../eventually.ts';
import { countDocuments, createTestPipeline, type TestPipeline } from '../../pipeline-harness.ts';
import { runSluice, spawnSluice, waitForLog } from '../../sluice-process.ts';

const PAGES = new URL('../../../../shared/data/aggregator-pages/pages', import.meta.url).pathname;
const SEED = new URL('../../../../shared/data/seed/daily8-china-russia.txt', import.meta.url).pathname;
/** `_unique_articles` in ../shared/data/aggregator-pages/expected.json. */
const UNIQUE_ARTICLES = 70;

let pipeline: TestPipeline | undefined;
/** Documents after the undisturbed run of the first test; the killed run must end with the same. */
let undisturbedDocuments = UNIQUE_ARTICLES;
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await pipeline?.cleanup();
});

async function startWorkers(env: Record<string, string>): Promise<ChildProcess> {
  const work = spawnSluice(['work'], { ...env, LOG_LEVEL: 'info' });
  children.push(work);
  await waitForLog(work, 'Workers started.');
  return work;
}

interface IndexedArticles {
  documents: number;
  /** Sightings over all documents, and how many repeat a (file, article) pair already there. */
  sightings: number;
  doubledSightings: number;
}

async function indexedArticles(p: TestPipeline): Promise<IndexedArticles> {
  await countDocuments(p.elasticsearch, p.config.index);
  const response = await p.elasticsearch.search<{
    sightings?: Array<{ fileHash: string; articleIndex: number }>;
  }>({
    index: p.config.index,
    size: 1000,
    _source: ['sightings'],
  });
  let sightings = 0;
  let doubledSightings = 0;
  for (const hit of response.hits.hits) {
    const pairs = (hit._source?.sightings ?? []).map((s) => `${s.fileHash}/${s.articleIndex}`);
    sightings += pairs.length;
    doubledSightings += pairs.length - new Set(pairs).size;
  }
  return { documents: response.hits.hits.length, sightings, doubledSightings };
}

async function settledArticles(p: TestPipeline): Promise<{ done: number; articles: number }> {
  const ledger = new FileLedger(p.redis, { prefix: pipelinePrefix(p.config), inbox: p.config.inbox });
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await p.redis.scan(cursor, 'MATCH', ledger.key('*'), 'COUNT', 50_000);
    keys.push(...found);
    cursor = next;
  } while (cursor !== '0');
  const entries = await ledger.getMany(keys.map((key) => key.slice(key.lastIndexOf(':') + 1)));
  const done = entries.filter((entry) => entry?.status === 'done');
  return { done: done.length, articles: done.reduce((sum, entry) => sum + (entry?.articles ?? 0), 0) };
}

describe('sluice work with sluice ingest --wait', () => {
  it('ends with one document per unique article of the 40 aggregator pages', async () => {
    pipeline = await createTestPipeline();
    await startWorkers(pipeline.env);
    const started = performance.now();
    const ingest = await runSluice(['ingest', '--wait', PAGES], pipeline.env);
    const seconds = (performance.now() - started) / 1000;
    expect(ingest.stderr).toBe('');
    expect(ingest.stdout).toMatch(/^40 files: 40 queued, 0 repeats/);
    expect(ingest.stdout).toMatch(/\n40 done, 0 failed; /);
    expect(ingest.code).toBe(0);

    const indexed = await indexedArticles(pipeline);
    const settled = await settledArticles(pipeline);
    console.info(
      `40 pages: ${settled.articles} articles, ${indexed.documents} documents in ${seconds.toFixed(1)} s ` +
        `(${(settled.articles / seconds).toFixed(1)} articles/s, ${(indexed.documents / seconds).toFixed(1)} documents/s)`,
    );
    expect(indexed.sightings).toBe(settled.articles);
    expect(indexed.doubledSightings).toBe(0);
    undisturbedDocuments = indexed.documents;
    expect(indexed.documents).toBe(UNIQUE_ARTICLES);
  }, 120_000);

  it('loses no file or article and doubles nothing when a worker is killed mid-batch', async () => {
    // Slow enough that the kill lands while files are in flight.
    pipeline = await createTestPipeline({ SLUICE_CONCURRENCY: '2' });
    const p = pipeline;
    const queues = openQueues(p.redis, pipelinePrefix(p.config));
    const first = await startWorkers(p.env);
    const ingest = runSluice(['ingest', '--wait', PAGES], p.env);
    // Kill once some files are done, while the rest are still in flight.
    await eventually(
      async () => ((await queues.files.getCompletedCount()) >= 4 ? true : undefined),
      60_000,
      5,
    );
    first.kill('SIGKILL');
    await closeQueues(queues);
    const beforeKill = await settledArticles(p);
    first.kill('SIGKILL');
    expect(beforeKill.done).toBeLessThan(40);

    await startWorkers(p.env);
    const finished = await ingest;
    expect(finished.stdout).toMatch(/\n40 done, 0 failed; /);
    expect(finished.code).toBe(0);
    const indexed = await indexedArticles(p);
    const settled = await settledArticles(p);
    expect(settled.done).toBe(40);
    expect(indexed.sightings).toBe(settled.articles);
    expect(indexed.doubledSightings).toBe(0);
    expect(indexed.documents).toBe(undisturbedDocuments);
  }, 180_000);
});

describe('sluice work serving HTTP', () => {
  it("serves /healthz, /readyz and its workers' metrics on SLUICE_HTTP_PORT", async () => {
    pipeline = await createTestPipeline();
    const work = spawnSluice(['work'], { ...pipeline.env, LOG_LEVEL: 'info' });
    children.push(work);
    const { address } = await waitForLog(work, 'Worker metrics served.');
    const ingest = await runSluice(['ingest', '--wait', SEED], pipeline.env);
    expect(ingest.code).toBe(0);
    expect((await fetch(`${address}/healthz`)).status).toBe(200);
    expect((await fetch(`${address}/readyz`)).status).toBe(200);
    const metrics = await eventually(async () => {
      const text = await (await fetch(`${address}/metrics`)).text();
      return /^sluice_files_done_total 1$/m.test(text) ? text : undefined;
    });
    expect(metrics).toMatch(/^sluice_articles_total\{outcome="new"\} 4$/m);
    expect(metrics).toMatch(/^sluice_queue_jobs\{stage="files",state="completed"\} 1$/m);
  }, 60_000);

  it('runs its workers without a server when the port is taken, and says so', async () => {
    pipeline = await createTestPipeline();
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = String((taken.address() as { port: number }).port);
      const work = spawnSluice(['work'], { ...pipeline.env, SLUICE_HTTP_PORT: port, LOG_LEVEL: 'info' });
      children.push(work);
      const [, warning] = await Promise.all([
        waitForLog(work, 'Workers started.'),
        waitForLog(
          work,
          'SLUICE_HTTP_PORT is taken (another Sluice process?); this worker serves no metrics. Give each worker its own port (or 0) to scrape it.',
        ),
      ]);
      expect(warning.port).toBe(Number(port));
      const ingest = await runSluice(['ingest', '--wait', SEED], pipeline.env);
      expect(ingest.stdout).toMatch(/\n1 done, 0 failed; /);
    } finally {
      taken.close();
    }
  }, 60_000);
});
