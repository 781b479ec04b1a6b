/**
 * The pipeline on a real Redis Cluster (issue 15, item 2): 3 masters and 3 replicas of the
 * machine's redis-server (test/own-services.ts OwnRedisCluster), the ioredis Cluster client
 * (`REDIS_URL=redis+cluster://`), the folder producer and the workers in this process, the shared
 * Elasticsearch with an index per run.
 *
 * A run without failure gives the expected document count. Then the master that holds the
 * pipeline's slot is killed (SIGKILL) mid-ingest: its replica takes over, and the audit balances,
 * every file is in done/, the count is the expected one. Partitioned (SLUICE_PARTITIONS=3), the
 * queues and ledgers sit on the three masters, and near-duplicates whose files went to different
 * partitions are still one document; a partition's master killed mid-ingest loses nothing either.
 */
import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureArticleIndex } from '../../infra/elasticsearch/article-index.ts';
import { type Config, loadConfig } from '../../lib/config.ts';
import { createElasticsearch, createRedisClient } from '../../lib/connections.ts';
import { DONE_DIR } from '../../lib/inbox.ts';
import { keySlot, partitionOf, partitionPrefixes, pipelinePrefix } from '../../lib/keys.ts';
import { watchInbox } from '../../producers/folder-watcher/watch-inbox.ts';
import { NearDuplicateIndex } from '../../workers/dedupe/near-duplicate-index.ts';
import { runWorkers } from '../../workers/pipeline.ts';
import { eventually } from '../eventually.ts';
import { OwnRedisCluster } from '../own-services.ts';
import { countDocuments } from '../pipeline-harness.ts';
import {
  AGGREGATOR_PAGES,
  ARTICLE_BENCH_PAGES,
  auditWhenSettled,
  silentLogger,
} from '../reliability/fault-harness.ts';

/**
 * The sweep submits a file again this long after it was submitted and is still in the inbox, in
 * ms: a job whose add the dead master had not yet passed to its replica is queued again by it.
 */
const SWEEP_AFTER_MS = 20_000;

let cluster: OwnRedisCluster;
const elasticsearch: Client = createElasticsearch(loadConfig());
const made: Array<{ config: Config; inbox: string }> = [];

beforeAll(async () => {
  cluster = await OwnRedisCluster.start({ masters: 3, replicasPerMaster: 1 });
});

afterAll(async () => {
  for (const { config, inbox } of made) {
    await elasticsearch.indices.delete({ index: `${config.index}-v1`, ignore_unavailable: true });
    await elasticsearch.indices
      .deleteIndexTemplate({ name: `${config.index}-articles` })
      .catch(() => undefined);
    await rm(inbox, { recursive: true, force: true });
  }
  await elasticsearch.close();
  await cluster?.destroy();
});

/** A pipeline of its own (prefix, index, inbox) on the cluster. */
async function clusterPipeline(settings: Record<string, string> = {}): Promise<Config> {
  const name = `test-${randomUUID().slice(0, 12)}`;
  const inbox = await mkdtemp(join(tmpdir(), 'sluice-inbox-'));
  const config = loadConfig({
    ...process.env,
    REDIS_URL: cluster.url,
    SLUICE_QUEUE_PREFIX: name,
    SLUICE_INDEX: name,
    SLUICE_INBOX: inbox,
    LOG_LEVEL: 'warn',
    ...settings,
  });
  made.push({ config, inbox });
  await ensureArticleIndex(elasticsearch, config.index);
  return config;
}

/** The folder producer and the workers of `config` in this process; resolves to their close. */
async function start(config: Config): Promise<() => Promise<void>> {
  const workers = runWorkers({ config, elasticsearch, logger: silentLogger });
  const watching = await watchInbox(config, silentLogger, {
    timing: { rescanIntervalMs: 1000, sweepAfterMs: SWEEP_AFTER_MS },
  });
  return async () => {
    await watching.close();
    await workers.close();
  };
}

/** Copies the corpus into the inbox: the aggregator pages (near-duplicates among them) and the article bench. */
async function dropCorpus(config: Config): Promise<number> {
  await cp(AGGREGATOR_PAGES, config.inbox, { recursive: true });
  await cp(ARTICLE_BENCH_PAGES, config.inbox, { recursive: true });
  return (await readdir(AGGREGATOR_PAGES)).length + (await readdir(ARTICLE_BENCH_PAGES)).length;
}

/** Waits until the pipeline settles, then checks that nothing was lost or doubled; returns the document count. */
async function expectSettledAndBalanced(config: Config, files: number): Promise<number> {
  const report = await auditWhenSettled(config, 300_000, 1000);
  expect(report.problems).toEqual([]);
  expect(report.balanced).toBe(true);
  expect(report.files).toMatchObject({ inbox: 0, done: files, failed: 0 });
  expect(await readdir(join(config.inbox, DONE_DIR))).toHaveLength(files);
  expect(report.index.sightings).toBe(report.ledger.articles);
  // Every article the dedupe stage claimed has one document.
  const redis = createRedisClient(config.redisUrl);
  try {
    const claims = new NearDuplicateIndex(redis, { prefix: pipelinePrefix(config) });
    expect(report.index.documents).toBe((await claims.memoryUsage()).articles);
  } finally {
    redis.disconnect();
  }
  return countDocuments(elasticsearch, config.index);
}

/**
 * Kills (SIGKILL) the master of `slot` once a tenth of the files are done, waits for its replica
 * to take over, and starts it again (it comes back as a replica of the node that took over).
 */
async function killMasterMidIngest(config: Config, slot: number, files: number): Promise<void> {
  const master = await cluster.masterOf(slot);
  const done = join(config.inbox, DONE_DIR);
  await eventually(
    async () => ((await readdir(done).catch(() => [])).length >= files / 10 ? true : undefined),
    120_000,
    20,
  );
  await master.kill();
  await eventually(
    async () => ((await cluster.masterOf(slot).catch(() => master)) !== master ? true : undefined),
    60_000,
    200,
  );
  expect((await readdir(done)).length).toBeLessThan(files);
  await master.start();
}

describe('the pipeline on a Redis Cluster of 3 masters and 3 replicas', () => {
  let expected = 0;
  let files = 0;

  it('computes hash slots as the cluster does', async () => {
    const port = cluster.nodes[0]?.port as number;
    for (const key of ['{sluice}', '{sluice.1.0}:files:wait', 'plain-key', '{}x'])
      expect(Number(await cluster.cli(port, 'CLUSTER', 'KEYSLOT', key))).toBe(keySlot(key));
  });

  it('ingests the corpus without failure: the audit balances (the expected count)', async () => {
    const config = await clusterPipeline();
    const stop = await start(config);
    try {
      files = await dropCorpus(config);
      expected = await expectSettledAndBalanced(config, files);
    } finally {
      await stop();
    }
    expect(expected).toBeGreaterThan(0);
  });

  it("loses and doubles nothing when the pipeline's master is killed mid-ingest", async () => {
    const config = await clusterPipeline();
    const stop = await start(config);
    try {
      await dropCorpus(config);
      await killMasterMidIngest(config, keySlot(pipelinePrefix(config)), files);
      expect(await expectSettledAndBalanced(config, files)).toBe(expected);
    } finally {
      await stop();
    }
    await cluster.waitUntilHealthy(3, 1);
  });

  it('spreads SLUICE_PARTITIONS=3 over the three masters and deduplicates across partitions, a master killed mid-ingest', async () => {
    const config = await clusterPipeline({ SLUICE_PARTITIONS: '3' });
    const prefixes = partitionPrefixes(config);
    const masters = await Promise.all(prefixes.map((prefix) => cluster.masterOf(keySlot(prefix))));
    expect(new Set(masters.map((master) => master.port)).size).toBe(3);

    const stop = await start(config);
    try {
      await dropCorpus(config);
      // A partition's master, not the one of the near-duplicate index.
      const dedupSlot = keySlot(pipelinePrefix(config));
      const dedupMaster = await cluster.masterOf(dedupSlot);
      const victim = prefixes.find((_, i) => masters[i] !== dedupMaster) as string;
      await killMasterMidIngest(config, keySlot(victim), files);
      expect(await expectSettledAndBalanced(config, files)).toBe(expected);
    } finally {
      await stop();
    }

    // Some documents were seen in files of different partitions: dedup spans them.
    const { hits } = await elasticsearch.search<{ sightings: Array<{ fileHash: string }> }>({
      index: config.index,
      size: 1000,
      _source: ['sightings.fileHash'],
      query: { range: { sightingCount: { gte: 2 } } },
    });
    const spanning = hits.hits.filter(
      (hit) => new Set((hit._source?.sightings ?? []).map((s) => partitionOf(s.fileHash, 3))).size > 1,
    );
    expect(spanning.length).toBeGreaterThan(0);
  });
});
