/**
 * Elasticsearch unreachable in the middle of an ingest, then back: the backlog drains, nothing is
 * lost, nothing doubled. The workers reach Elasticsearch through a TCP proxy of this test's own,
 * so only this test sees the outage (the shared node keeps serving the others).
 *
 * The outage lasts SLUICE_TEST_OUTAGE_SECONDS (default 30 s, as issue 7 asks). An index job rides
 * out about 34 minutes of outage with the default policy (6 bulk sends over 6 s, times 12 attempts
 * with a doubling backoff from 1 s); a longer outage fails the articles with
 * ELASTICSEARCH_UNAVAILABLE and their files go to failed/, never lost.
 */
import { cp, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@elastic/elasticsearch';
import { afterEach, describe, expect, it } from 'vitest';
import { createElasticsearch } from '../../lib/connections.ts';
import { eventually } from '../eventually.ts';
import {
  countDocuments,
  createTestPipeline,
  type RunningPipeline,
  startPipeline,
  type TestPipeline,
} from '../pipeline-harness.ts';
import { AGGREGATOR_PAGES, auditWhenSettled, expectBalanced, TcpProxy } from './fault-harness.ts';

const OUTAGE_MS = Number(process.env.SLUICE_TEST_OUTAGE_SECONDS ?? 30) * 1000;

let pipeline: TestPipeline | undefined;
let running: RunningPipeline | undefined;
let proxy: TcpProxy | undefined;
let proxied: Client | undefined;

afterEach(async () => {
  await proxy?.start().catch(() => undefined); // let the workers flush before closing
  await running?.close();
  await proxied?.close();
  await proxy?.stop();
  await pipeline?.cleanup();
});

describe('an Elasticsearch outage during an ingest', () => {
  it('drains the backlog once the node is back, with every file done and no article lost or doubled', {
    timeout: OUTAGE_MS + 90_000,
  }, async () => {
    pipeline = await createTestPipeline();
    const p = pipeline;
    const node = new URL(p.config.elasticsearch.url);
    proxy = await TcpProxy.open({ host: node.hostname, port: Number(node.port || 9200) });
    proxied = createElasticsearch({ elasticsearch: { ...p.config.elasticsearch, url: proxy.url } });
    running = await startPipeline(p.config, proxied);

    await cp(AGGREGATOR_PAGES, p.config.inbox, { recursive: true });
    // Cut Elasticsearch off once the first articles are in and most files are still in flight.
    await eventually(
      async () => ((await countDocuments(p.elasticsearch, p.config.index)) > 0 ? true : undefined),
      60_000,
      20,
    );
    await proxy.stop();
    const documentsAtCut = await countDocuments(p.elasticsearch, p.config.index);
    await sleep(OUTAGE_MS);
    const inDoneDuringOutage = (await readdir(join(p.config.inbox, 'done')).catch(() => [])).length;
    await proxy.start();
    const backAt = Date.now();

    const report = await auditWhenSettled(p.config, 90_000);
    console.info(
      `Elasticsearch away ${OUTAGE_MS / 1000} s from ${documentsAtCut} documents (${inDoneDuringOutage} files ` +
        `done while away); settled ${((Date.now() - backAt) / 1000).toFixed(0)} s after it came back, ` +
        `with ${report.index.documents} documents.`,
    );
    await expectBalanced(p, report);
    expect(report.index.sightings).toBe(report.ledger.articles);
    expect(report.files).toMatchObject({ inbox: 0, done: 40, failed: 0 });
  });
});
