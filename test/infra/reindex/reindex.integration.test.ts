/**
 * `sluice reindex` (issue 17) on the real Redis and Elasticsearch: a populated index rebuilt
 * through the running pipeline while files are dropped, and a reindex interrupted and resumed.
 */
import { copyFile, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { type Client, errors } from '@elastic/elasticsearch';
import { afterEach, describe, expect, it } from 'vitest';
import { concreteIndexName, currentIndex } from '../../../infra/elasticsearch/article-index.ts';
import { reindex } from '../../../infra/reindex/reindex.ts';
import { createElasticsearch } from '../../../lib/connections.ts';
import { IndexStateStore } from '../../../lib/index-state.ts';
import { keysMatching, nearDuplicateKeyPrefix, pipelinePrefix } from '../../../lib/keys.ts';
import { createLogger } from '../../../lib/logger.ts';
import { ingest } from '../../../producers/ingest-cli/ingest.ts';
import { openProducer } from '../../../producers/open-producer.ts';
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
async function drop(names: readonly string[], from: URL = PAGES): Promise<void> {
  const { inbox } = (pipeline as TestPipeline).config;
  for (const name of names) await copyFile(new URL(name, from), join(inbox, name));
  await eventually(async () => {
    const done = await readdir(join(inbox, 'done')).catch((): string[] => []);
    return names.every((name) => done.includes(name)) ? true : undefined;
  }, 60_000);
}

/**
 * The workers' own client, with faults in front of the real node: the rebuild's writes wait until
 * the late file has written the alias (so the late file is written during the build), and each
 * write of the late file into the rebuilt index goes through `fault` first (which may throw, or
 * change the request).
 */
function lateFileFault(
  config: TestPipeline['config'],
  late: string,
  fault: (params: Parameters<Client['bulk']>[0]) => void,
): Client {
  const client = createElasticsearch(config);
  const send = client.bulk.bind(client);
  const rebuilt = concreteIndexName(config.index, 2);
  let lateInAlias!: () => void;
  const lateWroteAlias = new Promise<void>((resolve) => (lateInAlias = resolve));
  client.bulk = (async (params: Parameters<Client['bulk']>[0]) => {
    const hasLate = (params.operations ?? []).some((operation) =>
      (operation as { sightings?: Array<{ file: string }> }).sightings?.some((s) => s.file === late),
    );
    if (params.index === config.index && hasLate) lateInAlias();
    if (params.index === rebuilt && hasLate) fault(params);
    if (params.index === rebuilt && !hasLate) await lateWroteAlias;
    return send(params);
  }) as Client['bulk'];
  return client;
}

/** Reindexes the pipeline's alias, dropping the late file once the rebuild is under way. */
async function reindexDroppingLate(late: string, options: { keepOld?: boolean }) {
  const { config, redis, elasticsearch } = pipeline as TestPipeline;
  let dropping: Promise<void> | undefined;
  const summary = await reindex({
    config,
    redis,
    elasticsearch,
    logger,
    ...options,
    onProgress: () => {
      dropping ??= drop([late]);
    },
  });
  await dropping;
  return summary;
}

async function closeWorkers(client: Client): Promise<void> {
  await running?.close();
  running = undefined;
  await client.close();
}

async function documentIds(index: string): Promise<string[]> {
  const { elasticsearch } = pipeline as TestPipeline;
  await elasticsearch.indices.refresh({ index });
  const found = await elasticsearch.search({ index, size: 1000, _source: false, sort: ['_doc'] });
  return found.hits.hits.map((hit) => hit._id as string).sort();
}

interface StoredDocument {
  id: string;
  /** The exact fingerprints of the versions merged into it, sorted: which article it is. */
  exactKeys: string[];
  sightingCount: number;
  body: string;
  file: string;
}

async function storedDocuments(index: string): Promise<Map<string, StoredDocument>> {
  const { elasticsearch } = pipeline as TestPipeline;
  await elasticsearch.indices.refresh({ index });
  const found = await elasticsearch.search<{
    exactKeys: string[];
    sightingCount: number;
    body: string;
    sightings: Array<{ file: string }>;
  }>({ index, size: 1000, _source: ['exactKeys', 'sightingCount', 'body', 'sightings.file'] });
  return new Map(
    found.hits.hits.map((hit) => {
      const source = hit._source as NonNullable<typeof hit._source>;
      const document = {
        id: hit._id as string,
        exactKeys: [...source.exactKeys].sort(),
        sightingCount: source.sightingCount,
        body: source.body,
        file: source.sightings[0]?.file as string,
      };
      return [document.id, document];
    }),
  );
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
    expect(before.length).toBeGreaterThan(30);

    // Files dropped while the reindex runs: from its first progress report on (done/ is listed).
    let dropping: Promise<void> | undefined;
    const progress: number[] = [];
    const summary = await reindex({
      config,
      redis: pipeline.redis,
      elasticsearch,
      logger,
      onProgress: ({ files }) => {
        progress.push(files);
        dropping ??= drop(later);
      },
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

    // Every document kept its id (same cleaner, same bodies; the groups of near-duplicates too,
    // though jobs ran concurrently here as in the first run); the files dropped during the
    // rebuild are in the new index too: it has as many documents as a pipeline fed all 40.
    const after = await documentIds(config.index);
    expect(after).toEqual(expect.arrayContaining(before));
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

  it('keeps the old ids when the stored pages come back in the reverse order: near-duplicate groups, exact duplicates, a changed article', async () => {
    // One worker, so the first run claims in the order dropped and the rebuild in the order submitted.
    pipeline = await createTestPipeline({ SLUICE_CONCURRENCY: '1' });
    const { config, elasticsearch } = pipeline;
    running = await startPipeline(config, elasticsearch, { logger });
    // Three pages first whose grouping depends on the order (near-duplicate verdicts compare
    // with the fullest version seen so far): a teaser T, the full story F, and G, another story
    // under T's words. In the order T, F, G: F joins T, G stays apart; reversed, T would join G.
    const trio = await mkdtemp(join(tmpdir(), 'sluice-trio-'));
    const bench = JSON.parse(
      await readFile(new URL('../../fixtures/dedupe/article-bench-bodies.json', import.meta.url), 'utf8'),
    ) as Record<string, { body: string }>;
    const story = bench.aadb38e527d53793?.body as string;
    // T ends its cut-off second paragraph with a full stop: a trailing fragment ("Now, at the")
    // is left out as a label, and a headline over one short paragraph is no article.
    const head = `${story.split(' ').slice(0, 40).join(' ')}.`;
    const trioPages = {
      'trio-t.txt': head,
      'trio-f.txt': story,
      'trio-g.txt': `${head} ${bench.b3c19dd5f0612d09?.body}`,
    };
    for (const [name, body] of Object.entries(trioPages))
      await writeFile(join(trio, name), `Moon landers set for launch\n${body}\n`);
    const names = [...Object.keys(trioPages), ...(await pageNames())];
    for (const name of names)
      await drop([name], name.startsWith('trio-') ? pathToFileURL(`${trio}/`) : PAGES);
    await rm(trio, { recursive: true });
    const old = await storedDocuments(config.index);
    const teaser = [...old.values()].find((document) => document.file === 'trio-t.txt');
    expect(teaser?.exactKeys).toHaveLength(2);
    const groups = [...old.values()].filter((document) => document.exactKeys.length > 1);
    const exactRepeats = [...old.values()].filter(
      (document) => document.sightingCount > document.exactKeys.length,
    );
    expect(groups.length).toBeGreaterThan(5);
    expect(exactRepeats.length).toBeGreaterThan(0);

    // The stored pages, oldest first, are now in the reverse order of the first run, so another
    // member of each group is claimed first; and one article seen once is edited (one word).
    const doneDir = join(config.inbox, 'done');
    const now = Date.now() / 1000;
    for (const [i, name] of names.entries()) await utimes(join(doneDir, name), now - i, now - i);
    let edit: { changed: StoredDocument; word: string; text: string } | undefined;
    for (const document of old.values()) {
      if (edit || document.sightingCount !== 1) continue;
      const text = await readFile(join(doneDir, document.file), 'utf8');
      const word = (document.body.match(/\p{L}{9,}/gu) ?? []).find((w) => text.split(w).length === 2);
      if (word) edit = { changed: document, word, text };
    }
    const { changed, word, text } = edit as NonNullable<typeof edit>;
    const page = join(doneDir, changed.file);
    await writeFile(page, text.replace(word, 'Xyzzyqwv'));
    await utimes(page, now - names.indexOf(changed.file), now - names.indexOf(changed.file));

    const summary = await reindex({ config, redis: pipeline.redis, elasticsearch, logger });
    expect(summary).toMatchObject({ files: 43, failed: [], swapped: true });

    const rebuilt = await storedDocuments(config.index);
    const moved = [...old.values()]
      .filter((document) => document.id !== changed.id)
      .filter((document) => rebuilt.get(document.id)?.exactKeys.join() !== document.exactKeys.join())
      .map((document) => ({ id: document.id, exactKeys: document.exactKeys }));
    expect(moved).toEqual([]);
    // The changed article is in one document (the edit made it a near-duplicate of its old self,
    // so it keeps its id too), and nothing is lost or doubled: as many documents, no version twice.
    const edited = [...rebuilt.values()].filter((document) => document.body.includes('Xyzzyqwv'));
    expect(edited.map((document) => document.id)).toEqual([changed.id]);
    expect(rebuilt.size).toBe(old.size);
    const versions = [...rebuilt.values()].flatMap((document) => document.exactKeys);
    expect(new Set(versions).size).toBe(versions.length);
  }, 240_000);

  it('gives the files dropped during the rebuild the same ids and groups in both indices (--keep-old)', async () => {
    pipeline = await createTestPipeline();
    const { config, elasticsearch } = pipeline;
    running = await startPipeline(config, elasticsearch, { logger });
    const names = await pageNames();
    await drop(names.filter((_, i) => i % 2 === 0));
    let dropping: Promise<void> | undefined;
    const summary = await reindex({
      config,
      redis: pipeline.redis,
      elasticsearch,
      logger,
      keepOld: true,
      onProgress: () => {
        dropping ??= drop(names.filter((_, i) => i % 2 === 1));
      },
    });
    await dropping;
    expect(summary).toMatchObject({ files: 20, failed: [], swapped: true, oldDeleted: false });
    // Every document of the old index (which got the dropped files until the swap) is in the new
    // one under its id with its versions (files dropped after the swap went to the new one only,
    // and may have added versions); no version is in two documents.
    const old = await storedDocuments(concreteIndexName(config.index, 1));
    const rebuilt = await storedDocuments(concreteIndexName(config.index, 2));
    expect(old.size).toBeGreaterThan(50);
    const lost = [...old.values()].filter(
      (document) => !document.exactKeys.every((key) => rebuilt.get(document.id)?.exactKeys.includes(key)),
    );
    expect(lost.map((document) => document.id)).toEqual([]);
    const versions = [...rebuilt.values()].flatMap((document) => document.exactKeys);
    expect(new Set(versions).size).toBe(versions.length);
  }, 180_000);

  it('moves the alias only once a file that wrote the old index during the rebuild wrote the new one too, through its retries', async () => {
    pipeline = await createTestPipeline();
    const { config } = pipeline;
    const [late, ...stored] = (await pageNames()).slice(0, 4) as [string, ...string[]];
    // The late file's first write into the rebuilt index fails as a lost connection would.
    let failed = false;
    const workersClient = lateFileFault(config, late, () => {
      if (failed) return;
      failed = true;
      throw new errors.ConnectionError('injected: connection lost');
    });
    running = await startPipeline(config, workersClient, { logger, policy: { backoffMs: 3000 } });
    try {
      await drop(stored);
      const summary = await reindexDroppingLate(late, { keepOld: true });
      expect(summary).toMatchObject({ files: 3, failed: [], swapped: true });
      expect(failed).toBe(true);
      // At the swap, the rebuilt index has everything the old one has, under the same ids.
      const old = await storedDocuments(concreteIndexName(config.index, 1));
      const now = await storedDocuments(concreteIndexName(config.index, 2));
      expect([...old.values()].filter((document) => document.file === late).length).toBeGreaterThan(0);
      const missing = [...old.values()].filter(
        (document) => !document.exactKeys.every((key) => now.get(document.id)?.exactKeys.includes(key)),
      );
      expect(missing.map((document) => `${document.id} (${document.file})`)).toEqual([]);
    } finally {
      await closeWorkers(workersClient);
    }
  }, 120_000);

  it('does not move the alias when the rebuilt index refused a file dropped during the rebuild that the old one took', async () => {
    pipeline = await createTestPipeline();
    const { config, elasticsearch } = pipeline;
    const [late, ...stored] = (await pageNames()).slice(0, 4) as [string, ...string[]];
    // The late file's documents reach the rebuilt index with a time the real node refuses.
    const workersClient = lateFileFault(config, late, (params) => {
      for (const operation of (params.operations ?? []) as Array<{ timestamp?: string }>)
        if (operation.timestamp) operation.timestamp = 'not a time';
    });
    running = await startPipeline(config, workersClient, { logger });
    try {
      await drop(stored);
      const summary = await reindexDroppingLate(late, {});
      expect(summary).toMatchObject({ files: 3, swapped: false, failed: [{ fileName: late }] });
      expect(summary.failed[0]?.error).toMatch(/^ELASTICSEARCH_REJECTED: /);
      expect((await currentIndex(elasticsearch, config.index)).index).toBe(
        concreteIndexName(config.index, 1),
      );
      // The build goes on (new files are written to both) until a rerun.
      const state = await new IndexStateStore(pipeline.redis, {
        prefix: pipelinePrefix(config),
        alias: config.index,
      }).read();
      expect(state.build?.phase).toBe('building');
    } finally {
      await closeWorkers(workersClient);
    }
  }, 120_000);

  it('reindexes the stdin input the spool keeps by default, and not the stdin input that failed', async () => {
    pipeline = await createTestPipeline();
    const { config, elasticsearch } = pipeline;
    running = await startPipeline(config, elasticsearch, { logger });
    const producer = openProducer(config, logger, 'ingest');
    const fromStdin = async (bytes: Buffer) =>
      ingest(producer.submitter, producer.ledger, {
        paths: ['-'],
        wait: true,
        stdin: Readable.from([bytes]),
      });
    try {
      const page = await readFile(new URL((await pageNames())[0] as string, PAGES));
      expect(await fromStdin(page)).toMatchObject({ failed: [] });
      // A PNG is no page: it fails (INPUT_BINARY), and its copy stays in the spool too.
      const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
      expect((await fromStdin(png)).failed).toHaveLength(1);
    } finally {
      await producer.close();
    }
    expect(await readdir(config.spoolDir)).toHaveLength(2);
    const before = await documentIds(config.index);
    expect(before.length).toBeGreaterThan(0);

    const summary = await reindex({ config, redis: pipeline.redis, elasticsearch, logger });
    expect(summary).toMatchObject({ files: 1, failed: [], swapped: true });
    expect(await documentIds(config.index)).toEqual(before);
    const { hits } = await elasticsearch.search<{ sightings: Array<{ file: string }> }>({
      index: config.index,
      size: 1,
      _source: ['sightings.file'],
    });
    expect(hits.hits[0]?._source?.sightings.map((sighting) => sighting.file)).toEqual(['stdin']);
  }, 120_000);

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
    expect(after).toEqual(before);
  }, 180_000);
});
