/**
 * `sluice reindex` (issue 17) on the real Redis and Elasticsearch: a populated index rebuilt
 * through the running pipeline while files are dropped, and a reindex interrupted and resumed.
 */
import { copyFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { concreteIndexName, currentIndex } from '../../../infra/elasticsearch/article-index.ts';
import { reindex } from '../../../infra/reindex/reindex.ts';
import { IndexStateStore } from '../../../lib/index-state.ts';
import { keysMatching, nearDuplicateKeyPrefix, pipelinePrefix } from '../../../lib/keys.ts';
import { createLogger } from '../../../lib/logger.ts';
import { eventually } from '../../eventually.ts';
import {
  countDocuments,
  createTestPipeline,
  type RunningPipeline,
  startPipeline,
  type TestPipeline,
} from '../../pipeline-harness.ts';

const PAGES = new URL('../../../../shared/data/aggregator-pages/pages/', import.meta.url);
const logger = createLogger({ level: 'silent' });

let pipeline: TestPipeline | undefined;
let running: RunningPipeline | undefined;

afterEach(async () => {
  await running?.close();
  if (pipeline) {
    await pipeline.elasticsearch.indices.delete({
      index: [2, 3].map((n) => concreteIndexName(pipeline?.config.index as string, n)),
      ignore_unavailable: true,
    });
    await pipeline.cleanup();
  }
  running = undefined;
  pipeline = undefined;
});

async function pageNames(): Promise<string[]> {
  return (await readdir(PAGES)).filter((name) => name.endsWith('.txt')).sort();
}

/** Drops the pages into the inbox and waits until they are all in done/. */
async function drop(names: readonly string[]): Promise<void> {
  const { inbox } = (pipeline as TestPipeline).config;
  for (const name of names) await copyFile(new URL(name, PAGES), join(inbox, name));
  await eventually(async () => {
    const done = await readdir(join(inbox, 'done')).catch((): string[] => []);
    return names.every((name) => done.includes(name)) ? true : undefined;
  }, 60_000);
}

async function documentIds(index: string): Promise<string[]> {
  const { elasticsearch } = pipeline as TestPipeline;
  await elasticsearch.indices.refresh({ index });
  const found = await elasticsearch.search({ index, size: 1000, _source: false, sort: ['_doc'] });
  return found.hits.hits.map((hit) => hit._id as string).sort();
}

/** Ids of the documents seen once (no near-duplicate merged in: their id cannot depend on job order). */
async function singleSightingIds(index: string): Promise<string[]> {
  const { elasticsearch } = pipeline as TestPipeline;
  await elasticsearch.indices.refresh({ index });
  const found = await elasticsearch.search({
    index,
    size: 1000,
    _source: false,
    query: { term: { sightingCount: 1 } },
  });
  return found.hits.hits.map((hit) => hit._id as string).sort();
}

async function dedupKeys(namespace: string): Promise<number> {
  const { redis, config } = pipeline as TestPipeline;
  const [, keys] = await redis.scan(
    '0',
    'MATCH',
    keysMatching(nearDuplicateKeyPrefix(pipelinePrefix(config), namespace)),
    'COUNT',
    100_000,
  );
  return keys.length;
}

describe('sluice reindex', () => {
  it('rebuilds a populated index while files are dropped: same ids, nothing lost, alias on v2, v1 and its dedup state gone', async () => {
    pipeline = await createTestPipeline();
    const { config, elasticsearch } = pipeline;
    running = await startPipeline(config, elasticsearch, { logger });
    const names = await pageNames();
    const [first, later] = [names.slice(0, 30), names.slice(30)];
    await drop(first);
    const before = await documentIds(config.index);
    const stable = await singleSightingIds(config.index);
    expect(before.length).toBeGreaterThan(30);

    // Files dropped while the reindex runs.
    const dropping = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await drop(later);
    })();
    const progress: number[] = [];
    const summary = await reindex({
      config,
      redis: pipeline.redis,
      elasticsearch,
      logger,
      onProgress: ({ files }) => progress.push(files),
    });
    await dropping;

    expect(summary).toMatchObject({
      source: concreteIndexName(config.index, 1),
      target: concreteIndexName(config.index, 2),
      resumed: false,
      files: 30,
      failed: [],
      documentsBefore: before.length,
      swapped: true,
      oldDeleted: true,
    });
    expect(progress.at(-1)).toBe(30);
    expect((await currentIndex(elasticsearch, config.index)).index).toBe(concreteIndexName(config.index, 2));
    expect(await elasticsearch.indices.exists({ index: concreteIndexName(config.index, 1) })).toBe(false);
    expect(await dedupKeys('dedupe')).toBe(0);

    // Every article seen once kept its id (same cleaner, same body); the files dropped during
    // the rebuild are in the new index too: it has as many documents as a pipeline fed all 40.
    // (A near-duplicate group's id is its first-claimed member's hash, and jobs run concurrently,
    // in the first run as in the rebuild, so which member that is may differ.)
    const after = await documentIds(config.index);
    expect(stable.length).toBeGreaterThan(20);
    expect(after).toEqual(expect.arrayContaining(stable));
    const reference = await createTestPipeline();
    const referenceRun = await startPipeline(reference.config, reference.elasticsearch, { logger });
    try {
      const saved = pipeline;
      pipeline = reference;
      await drop(names);
      const expected = await documentIds(reference.config.index);
      pipeline = saved;
      expect(after.length).toBe(expected.length);
    } finally {
      await referenceRun.close();
      await reference.cleanup();
    }

    // Files dropped after the swap go to v2 under its dedup state: a repeat adds nothing.
    const count = await countDocuments(elasticsearch, config.index);
    await copyFile(new URL(names[0] as string, PAGES), join(config.inbox, 'again.txt'));
    await eventually(async () =>
      (await readdir(join(config.inbox, 'done'))).includes('again.txt') ? true : undefined,
    );
    expect(await countDocuments(elasticsearch, config.index)).toBe(count);
  }, 180_000);

  it('refuses a second reindex of the same alias while one holds the lock', async () => {
    pipeline = await createTestPipeline();
    const state = new IndexStateStore(pipeline.redis, {
      prefix: pipelinePrefix(pipeline.config),
      alias: pipeline.config.index,
    });
    expect(await state.lock('other', 10_000)).toBe(true);
    await expect(
      reindex({
        config: pipeline.config,
        redis: pipeline.redis,
        elasticsearch: pipeline.elasticsearch,
        logger,
      }),
    ).rejects.toMatchObject({ code: 'ELASTICSEARCH_REINDEX_RUNNING' });
  });

  it('resumes after a crash mid-reindex: the second run continues the half-built index and swaps', async () => {
    pipeline = await createTestPipeline();
    const { config, elasticsearch } = pipeline;
    running = await startPipeline(config, elasticsearch, { logger });
    const names = (await pageNames()).slice(0, 20);
    await drop(names);
    const before = await documentIds(config.index);
    const stable = await singleSightingIds(config.index);

    // The "crash": the reindex dies once some files are settled (workers keep running).
    await expect(
      reindex({
        config,
        redis: pipeline.redis,
        elasticsearch,
        logger,
        pollMs: 20,
        onProgress: ({ files }) => {
          if (files >= 3) throw new Error('crash');
        },
      }),
    ).rejects.toThrow('crash');
    const half = await new IndexStateStore(pipeline.redis, {
      prefix: pipelinePrefix(config),
      alias: config.index,
    }).read();
    expect(half.build?.target.index).toBe(concreteIndexName(config.index, 2));
    expect((await currentIndex(elasticsearch, config.index)).index).toBe(concreteIndexName(config.index, 1));

    const summary = await reindex({ config, redis: pipeline.redis, elasticsearch, logger });
    expect(summary).toMatchObject({ resumed: true, files: 20, failed: [], swapped: true });
    expect(summary.submitted).toBeLessThan(20);
    expect((await currentIndex(elasticsearch, config.index)).index).toBe(concreteIndexName(config.index, 2));
    const after = await documentIds(config.index);
    expect(after.length).toBe(before.length);
    expect(after).toEqual(expect.arrayContaining(stable));
  }, 180_000);
});
