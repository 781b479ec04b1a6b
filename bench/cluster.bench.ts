/**
 * Redis CPU per master of a Redis Cluster, unpartitioned against partitioned (issue 15, item 2):
 * a cluster of 3 masters of the machine's redis-server (test/own-services.ts; no replicas, so a
 * master's CPU is the pipeline's work alone), and the same corpus ingested (as `sluice ingest
 * --wait` does, workers in this process) once per partition count, each into a fresh pipeline.
 * Per master: the CPU seconds it used (`INFO cpu`) and the commands it ran (`INFO commandstats`,
 * the commands Lua scripts run included) during the run, and what of the pipeline it holds: the
 * near-duplicate index (`{p}`) and which partitions' queues and ledgers.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureArticleIndex } from '../infra/elasticsearch/article-index.ts';
import { loadConfig } from '../lib/config.ts';
import { createElasticsearch, createRedis } from '../lib/connections.ts';
import { keySlot, partitionPrefixes, pipelinePrefix } from '../lib/keys.ts';
import { createLogger } from '../lib/logger.ts';
import { ingest } from '../producers/ingest-cli/ingest.ts';
import { openProducer } from '../producers/open-producer.ts';
import { OwnRedisCluster } from '../test/own-services.ts';
import { runWorkers } from '../workers/pipeline.ts';
import type { CorpusFile } from './corpus.ts';
import { redisCpuSeconds } from './process-usage.ts';
import { commandsBetween, readCommandStats, totalCalls } from './redis-usage.ts';

export interface ClusterBenchOptions {
  files: readonly CorpusFile[];
  /** Unique name of the run: queue prefixes and index aliases start with it. */
  name: string;
  /** Partition counts to run, in order; default 1 and 3. */
  partitions?: readonly number[];
}

export interface MasterFigures {
  port: number;
  /** What of the pipeline the master holds: `dedup` (the `{p}` tag) and `p<i>` partitions. */
  holds: string[];
  cpuSeconds: number;
  commands: number;
}

export interface ClusterRun {
  partitions: number;
  seconds: number;
  files: number;
  articles: number;
  masters: MasterFigures[];
}

const logger = createLogger({ level: 'warn' });

export async function benchCluster(options: ClusterBenchOptions): Promise<ClusterRun[]> {
  const cluster = await OwnRedisCluster.start({ masters: 3, replicasPerMaster: 0 });
  const corpusDir = await mkdtemp(join(tmpdir(), 'sluice-bench-cluster-'));
  const inbox = await mkdtemp(join(tmpdir(), 'sluice-bench-cluster-inbox-'));
  const elasticsearch = createElasticsearch(loadConfig());
  const indexes: string[] = [];
  try {
    for (const file of options.files) await writeFile(join(corpusDir, file.name), file.text);
    const runs: ClusterRun[] = [];
    for (const partitions of options.partitions ?? [1, 3]) {
      const name = `${options.name}-k${partitions}`;
      const config = loadConfig({
        ...process.env,
        REDIS_URL: cluster.url,
        SLUICE_QUEUE_PREFIX: name,
        SLUICE_INDEX: name,
        SLUICE_INBOX: inbox,
        SLUICE_PARTITIONS: String(partitions),
        LOG_LEVEL: 'warn',
      });
      indexes.push(name);
      await ensureArticleIndex(elasticsearch, config.index);
      const states = await cluster.state();
      const masters = states.filter((node) => node.role === 'master' && node.slots.length > 0);
      const holderOf = (prefix: string) => {
        const slot = keySlot(prefix);
        return masters.find((node) => node.slots.some(([from, to]) => slot >= from && slot <= to))?.port;
      };
      const holds = new Map<number, string[]>(masters.map((node) => [node.port, []]));
      holds.get(holderOf(pipelinePrefix(config)) as number)?.push('dedup');
      if (partitions > 1)
        partitionPrefixes(config).forEach((prefix, i) => {
          holds.get(holderOf(prefix) as number)?.push(`p${i}`);
        });
      else holds.get(holderOf(pipelinePrefix(config)) as number)?.push('queue');
      const clients = masters.map((node) =>
        createRedis(`redis://127.0.0.1:${node.port}`, { name: 'bench', blocking: true }),
      );
      const workers = runWorkers({ config, elasticsearch, logger });
      const producer = openProducer(config, logger, 'ingest');
      try {
        const snapshot = () =>
          Promise.all(
            clients.map(async (client) => ({
              cpu: await redisCpuSeconds(client),
              stats: await readCommandStats(client),
            })),
          );
        const before = await snapshot();
        const started = performance.now();
        const summary = await ingest(producer.submitter, producer.ledger, { paths: [corpusDir], wait: true });
        const seconds = (performance.now() - started) / 1000;
        const after = await snapshot();
        runs.push({
          partitions,
          seconds: Math.round(seconds * 10) / 10,
          files: summary.done,
          articles: summary.articles,
          masters: masters.map((node, i) => ({
            port: node.port,
            holds: holds.get(node.port) ?? [],
            cpuSeconds: Math.round(((after[i]?.cpu ?? 0) - (before[i]?.cpu ?? 0)) * 100) / 100,
            commands: totalCalls(
              commandsBetween(before[i]?.stats ?? new Map(), after[i]?.stats ?? new Map(), { info: 2 }),
            ),
          })),
        });
      } finally {
        await producer.close();
        await workers.close();
        for (const client of clients) client.disconnect();
      }
    }
    return runs;
  } finally {
    for (const index of indexes) {
      await elasticsearch.indices.delete({ index: `${index}-v1`, ignore_unavailable: true });
      await elasticsearch.indices.deleteIndexTemplate({ name: `${index}-articles` }).catch(() => undefined);
    }
    await elasticsearch.close();
    await rm(corpusDir, { recursive: true, force: true });
    await rm(inbox, { recursive: true, force: true });
    await cluster.destroy();
  }
}

/** The runs as a Markdown table: one row per master and partition count. */
export function clusterTable(runs: readonly ClusterRun[]): string[] {
  const lines = [
    '| Partitions | Master | Holds | Redis CPU s | per 1000 articles | Commands run | Run s |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const run of runs) {
    const sorted = [...run.masters].sort((a, b) => b.cpuSeconds - a.cpuSeconds);
    for (const [i, master] of sorted.entries()) {
      const perThousand = run.articles > 0 ? (master.cpuSeconds * 1000) / run.articles : 0;
      lines.push(
        `| ${run.partitions} | ${i + 1} | ${master.holds.join(', ') || '-'} | ${master.cpuSeconds.toFixed(2)} | ${perThousand.toFixed(2)} | ${master.commands} | ${run.seconds} |`,
      );
    }
  }
  return lines;
}
