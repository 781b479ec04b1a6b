/**
 * The pipeline on a real three-node Elasticsearch cluster (issue 15): the index made with three
 * primaries and one replica (SLUICE_INDEX_SHARDS / SLUICE_INDEX_REPLICAS), the workers given every
 * node (ELASTICSEARCH_URL, comma-separated), and the elected master killed in the middle of an
 * ingest. Nothing may be lost or doubled: the audit balances, every file is in done/, the index
 * holds one document per unique article of the 40 aggregator pages (their ground truth) and no id
 * twice. The node then starts again on its data and the index returns to green.
 *
 * Redis is the shared one at REDIS_URL, under the test pipeline's own prefix.
 */
import { cp, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElasticsearch } from '../../lib/connections.ts';
import { eventually } from '../eventually.ts';
import {
  countDocuments,
  createTestPipeline,
  type RunningPipeline,
  startPipeline,
  type TestPipeline,
} from '../pipeline-harness.ts';
import { AGGREGATOR_PAGES, auditWhenSettled, expectBalanced } from '../reliability/fault-harness.ts';
import { ElasticsearchNodes } from './elasticsearch-nodes.ts';

const PAGE_COUNT = 40;

let nodes: ElasticsearchNodes | undefined;
let admin: Client | undefined;
let pipeline: TestPipeline | undefined;
let running: RunningPipeline | undefined;
let workersClient: Client | undefined;
let clusterStartSeconds = 0;

beforeAll(async () => {
  const started = performance.now();
  nodes = await ElasticsearchNodes.create({ nodes: 3, heapMegabytes: 512 });
  await nodes.start();
  clusterStartSeconds = (performance.now() - started) / 1000;
  admin = nodes.client();
});

afterAll(async () => {
  await running?.close();
  await workersClient?.close();
  await pipeline?.cleanup();
  await admin?.close();
  await nodes?.destroy();
});

/** `_unique_articles` of the aggregator pages' ground truth: the failure-free document count. */
async function uniqueArticles(): Promise<number> {
  const expected = JSON.parse(await readFile(new URL('../expected.json', AGGREGATOR_PAGES), 'utf8'));
  return expected._unique_articles as number;
}

async function masterName(client: Client): Promise<string> {
  const [master] = await client.cat.master({ format: 'json' });
  return master?.node as string;
}

async function documentIds(client: Client, alias: string): Promise<string[]> {
  await client.indices.refresh({ index: alias });
  const response = await client.search({ index: alias, size: 10_000, _source: false });
  return response.hits.hits.map((hit) => hit._id as string);
}

describe('a three-node Elasticsearch cluster', () => {
  it('loses and doubles nothing when a node is killed mid-ingest, and is green again once it is back', async () => {
    const es = admin as Client;
    const cluster = nodes as ElasticsearchNodes;
    expect((await es.cluster.health()).number_of_nodes).toBe(3);

    // One file at a time per worker slot, so the kill lands while most files are still in flight.
    pipeline = await createTestPipeline({
      ELASTICSEARCH_URL: cluster.urls.join(','),
      SLUICE_INDEX_SHARDS: '3',
      SLUICE_INDEX_REPLICAS: '1',
      SLUICE_CONCURRENCY: '2',
    });
    const p = pipeline;
    expect(p.config.elasticsearch.nodes).toEqual(cluster.urls);
    workersClient = createElasticsearch(p.config, { maxRetries: 0 });
    running = await startPipeline(p.config, workersClient);
    const index = `${p.config.index}-v1`;
    const settings = (await es.indices.getSettings({ index }))[index]?.settings?.index;
    expect(settings).toMatchObject({ number_of_shards: '3', number_of_replicas: '1' });
    await es.cluster.health({ index, wait_for_status: 'green', timeout: '120s' });
    const shards = await es.cat.shards({ index, format: 'json' });
    expect(new Set(shards.map((shard) => shard.node)).size).toBe(3);

    await cp(AGGREGATOR_PAGES, p.config.inbox, { recursive: true });
    const doneFiles = async () => (await readdir(join(p.config.inbox, 'done')).catch(() => [])).length;
    await eventually(
      async () => ((await countDocuments(p.elasticsearch, p.config.index)) > 0 ? true : undefined),
      120_000,
      20,
    );
    const firstDocumentAt = performance.now();
    const documentsAtFirst = await countDocuments(p.elasticsearch, p.config.index);
    // A quarter of the files in on three nodes, for a rate to compare with.
    await eventually(async () => ((await doneFiles()) >= PAGE_COUNT / 4 ? true : undefined), 300_000, 20);
    // The elected master: its loss also costs an election, besides the shards it held.
    const victim = await masterName(es);
    const documentsAtKill = await countDocuments(p.elasticsearch, p.config.index);
    const doneAtKill = await doneFiles();
    await cluster.kill(victim);
    const killedAt = performance.now();
    // A new master, the victim's primaries taken over by their replicas: yellow, never red.
    const failedOver = await eventually(async () => {
      const health = await es.cluster.health({ index });
      return health.number_of_nodes === 2 && health.active_primary_shards === 3 ? health : undefined;
    }, 120_000);
    const failedOverAt = performance.now();
    expect(failedOver.status).not.toBe('red');

    const report = await auditWhenSettled(p.config, 300_000);
    const settledAt = performance.now();
    const survivors = await es.cluster.health();
    expect(survivors.number_of_nodes).toBe(2);
    expect(survivors.status).not.toBe('red');
    await expectBalanced(p, report);
    expect(report.index.sightings).toBe(report.ledger.articles);
    expect(report.files).toMatchObject({ inbox: 0, done: PAGE_COUNT, failed: 0 });
    const expected = await uniqueArticles();
    expect(report.index.documents).toBe(expected);
    // Killed mid-ingest: the rest of it ran on two nodes.
    expect(doneAtKill).toBeLessThan(PAGE_COUNT);

    const restartedAt = performance.now();
    await cluster.restart(victim);
    const rejoinedAt = performance.now();
    await es.cluster.health({ wait_for_status: 'green', timeout: '300s' });
    const greenAt = performance.now();
    const health = await es.cluster.health({ index });
    expect(health).toMatchObject({ status: 'green', number_of_nodes: 3, unassigned_shards: 0 });

    const ids = await documentIds(es, p.config.index);
    expect(ids.length).toBe(expected);
    expect(new Set(ids).size).toBe(ids.length);
    const after = await auditWhenSettled(p.config, 60_000);
    expect(after.balanced).toBe(true);
    expect(after.index.documents).toBe(expected);

    const seconds = (from: number, to: number) => (to - from) / 1000;
    const rate = (documents: number, from: number, to: number) => (documents / seconds(from, to)).toFixed(1);
    console.info(
      `3 nodes (512 MB heaps) up in ${clusterStartSeconds.toFixed(1)} s. ${PAGE_COUNT} pages, ${expected} documents: ` +
        `${documentsAtKill - documentsAtFirst} documents in ${seconds(firstDocumentAt, killedAt).toFixed(1)} s on 3 nodes ` +
        `(${rate(documentsAtKill - documentsAtFirst, firstDocumentAt, killedAt)}/s) until ${victim}, the master, was killed ` +
        `with ${doneAtKill} files done; a new master and the primaries taken over ${seconds(killedAt, failedOverAt).toFixed(1)} s ` +
        `after the kill; the ${expected - documentsAtKill} other documents in ${seconds(killedAt, settledAt).toFixed(1)} s on 2 nodes ` +
        `(${rate(expected - documentsAtKill, killedAt, settledAt)}/s). Restarted: back in the cluster after ` +
        `${seconds(restartedAt, rejoinedAt).toFixed(1)} s, green ${seconds(rejoinedAt, greenAt).toFixed(1)} s later.`,
    );
  });
});
