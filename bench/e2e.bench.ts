/**
 * End-to-end throughput: a corpus of page files ingested (as `sluice ingest --wait` does, in this
 * process) into a fresh pipeline whose workers run as a `sluice work` child process, until every
 * file is settled and the index refreshed, i.e. until every article is searchable.
 *
 * Baseline in the same run: the same final documents, read back from that index, indexed with the
 * Elasticsearch client's bulk helper into a fresh index made from the same template, refreshed at
 * the end. Their ratio is what the queues, cleaning, dedup and per-article merging cost next to
 * indexing itself. CPU seconds of the worker, Elasticsearch, Redis and this process (the
 * producer) are read before and after each phase, so a run says where the time went.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';
import { concreteIndexName, ensureArticleIndex, templateName } from '../infra/elasticsearch/article-index.ts';
import { createLogger } from '../lib/logger.ts';
import { type IngestSummary, ingest } from '../producers/ingest-cli/ingest.ts';
import { openProducer } from '../producers/open-producer.ts';
import { createTestPipeline } from '../test/pipeline-harness.ts';
import type { CorpusFile } from './corpus.ts';
import {
  elasticsearchCpuSeconds,
  processCpuSeconds,
  redisCpuSeconds,
  samplePeakRss,
} from './process-usage.ts';
import { startSluice } from './sluice-child.ts';

export interface EndToEndOptions {
  /** The page files to ingest. */
  files: readonly CorpusFile[];
  /** Unique name of the run: queue prefix and index alias (`<name>-bulk` for the baseline). */
  name: string;
  /** Write a V8 CPU profile of the worker process into this folder; default none. */
  cpuProfileDir?: string;
}

export interface EndToEndResult {
  e2e_files: number;
  e2e_files_failed: number;
  /** Articles found on the done files (sightings, duplicates included). */
  e2e_articles_found: number;
  /** Documents searchable at the end: the distinct articles. */
  e2e_documents: number;
  e2e_seconds: number;
  /** Documents searchable per second of the whole run (the figure compared with bulk). */
  e2e_articles_per_s: number;
  e2e_files_per_s: number;
  bulk_seconds: number;
  bulk_articles_per_s: number;
  e2e_vs_bulk_ratio: number;
  worker_peak_rss_mb: number;
  /**
   * CPU seconds per component during the e2e run. Redis and Elasticsearch are shared, so theirs
   * include other clients'; `*_idle_cpu_per_s` is their rate over 5 s before the run, while this
   * run sent nothing (0 on a quiet machine).
   */
  e2e_cpu_s_worker: number;
  e2e_cpu_s_elasticsearch: number;
  e2e_cpu_s_redis: number;
  e2e_cpu_s_producer: number;
  elasticsearch_idle_cpu_per_s: number;
  redis_idle_cpu_per_s: number;
  /** CPU seconds of Elasticsearch during the bulk baseline. */
  bulk_cpu_s_elasticsearch: number;
}

/** How long the shared services' CPU is read while nothing of this run is in flight, in ms. */
const IDLE_SAMPLE_MS = 5000;

interface StoredDocument {
  id: string;
  source: Record<string, unknown>;
}

export async function benchEndToEnd(options: EndToEndOptions): Promise<EndToEndResult> {
  const logger = createLogger({ level: 'warn' });
  const pipeline = await createTestPipeline({
    SLUICE_QUEUE_PREFIX: options.name,
    SLUICE_INDEX: options.name,
  });
  const bulkAlias = `${options.name}-bulk`;
  const corpusDir = await mkdtemp(join(tmpdir(), 'sluice-bench-corpus-'));
  const { elasticsearch, redis, config } = pipeline;
  try {
    for (const file of options.files) await writeFile(join(corpusDir, file.name), file.text);
    const worker = await startSluice(['work'], pipeline.env, 'Workers started.', {
      nodeArgs: options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [],
    });
    const rss = samplePeakRss(worker.pid);
    const producer = openProducer(config, logger, 'ingest');
    let run: { seconds: number; summary: IngestSummary; cpu: CpuSeconds; idle: CpuSeconds };
    try {
      const cpu = cpuReader(elasticsearch, redis, worker.pid);
      // Redis and Elasticsearch are shared: their CPU while this run is idle is other clients'.
      const idleStart = await cpu();
      await sleep(IDLE_SAMPLE_MS);
      const idle = difference(await cpu(), idleStart);
      const before = await cpu();
      const started = performance.now();
      const summary = await ingest(producer.submitter, producer.ledger, { paths: [corpusDir], wait: true });
      await elasticsearch.indices.refresh({ index: config.index });
      const seconds = (performance.now() - started) / 1000;
      run = { seconds, summary, cpu: difference(await cpu(), before), idle };
    } catch (error) {
      logger.error({ log: worker.recentLog() }, 'The end-to-end run failed; the worker log follows.');
      throw error;
    } finally {
      await producer.close();
      await worker.stop();
    }
    const memory = rss.stop();
    const documents = await readAllDocuments(elasticsearch, config.index);

    await ensureArticleIndex(elasticsearch, bulkAlias);
    const esBefore = await elasticsearchCpuSeconds(elasticsearch);
    const bulkStarted = performance.now();
    await bulkIndex(elasticsearch, bulkAlias, documents);
    const bulkSeconds = (performance.now() - bulkStarted) / 1000;
    const bulkCpu = (await elasticsearchCpuSeconds(elasticsearch)) - esBefore;

    const e2eRate = documents.length / run.seconds;
    const bulkRate = documents.length / bulkSeconds;
    return {
      e2e_files: options.files.length,
      e2e_files_failed: run.summary.failed.length,
      e2e_articles_found: run.summary.articles,
      e2e_documents: documents.length,
      e2e_seconds: round(run.seconds),
      e2e_articles_per_s: round(e2eRate),
      e2e_files_per_s: round(options.files.length / run.seconds),
      bulk_seconds: round(bulkSeconds),
      bulk_articles_per_s: round(bulkRate),
      e2e_vs_bulk_ratio: round(e2eRate / bulkRate, 3),
      worker_peak_rss_mb: round(Math.max(memory.peakRssMb, memory.rssMb)),
      e2e_cpu_s_worker: round(run.cpu.worker),
      e2e_cpu_s_elasticsearch: round(run.cpu.elasticsearch),
      e2e_cpu_s_redis: round(run.cpu.redis),
      e2e_cpu_s_producer: round(run.cpu.producer),
      elasticsearch_idle_cpu_per_s: round((run.idle.elasticsearch * 1000) / IDLE_SAMPLE_MS),
      redis_idle_cpu_per_s: round((run.idle.redis * 1000) / IDLE_SAMPLE_MS),
      bulk_cpu_s_elasticsearch: round(bulkCpu),
    };
  } finally {
    await elasticsearch.indices.delete({ index: concreteIndexName(bulkAlias), ignore_unavailable: true });
    await elasticsearch.indices.deleteIndexTemplate({ name: templateName(bulkAlias) }).catch(() => undefined);
    await rm(corpusDir, { recursive: true, force: true });
    await pipeline.cleanup();
  }
}

interface CpuSeconds {
  worker: number;
  elasticsearch: number;
  redis: number;
  producer: number;
}

function cpuReader(elasticsearch: Client, redis: Redis, workerPid: number): () => Promise<CpuSeconds> {
  return async () => ({
    worker: processCpuSeconds(workerPid),
    elasticsearch: await elasticsearchCpuSeconds(elasticsearch),
    redis: await redisCpuSeconds(redis),
    producer: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
  });
}

function difference(after: CpuSeconds, before: CpuSeconds): CpuSeconds {
  return {
    worker: after.worker - before.worker,
    elasticsearch: after.elasticsearch - before.elasticsearch,
    redis: after.redis - before.redis,
    producer: after.producer - before.producer,
  };
}

/** Every document of an index with its id, read with a scroll. */
async function readAllDocuments(elasticsearch: Client, index: string): Promise<StoredDocument[]> {
  const documents: StoredDocument[] = [];
  const scroll = elasticsearch.helpers.scrollSearch<Record<string, unknown>>({
    index,
    size: 1000,
    query: { match_all: {} },
  });
  for await (const page of scroll) {
    for (const hit of page.body.hits.hits)
      documents.push({ id: hit._id as string, source: hit._source ?? {} });
  }
  return documents;
}

/** Indexes the documents under their ids with the client's bulk helper, refreshed at the end. */
async function bulkIndex(elasticsearch: Client, alias: string, documents: StoredDocument[]): Promise<void> {
  const result = await elasticsearch.helpers.bulk<StoredDocument>({
    datasource: documents,
    onDocument: (document) => [{ index: { _index: alias, _id: document.id } }, document.source],
    refreshOnCompletion: alias,
  });
  if (result.failed > 0) throw new Error(`The bulk baseline lost ${result.failed} documents`);
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
