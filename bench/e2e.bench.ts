/**
 * End-to-end throughput: a corpus of page files ingested (as `sluice ingest --wait` does, in this
 * process) into a fresh pipeline whose workers run as a `sluice work` child process, until every
 * file is settled and the index refreshed, i.e. until every article is searchable. The pipeline
 * gets a redis-server of its own (started here on a free port, AOF on as in production), so every
 * command, byte and CPU second Redis reports is this run's.
 *
 * Baseline in the same run: the same final documents, read back from that index, indexed with the
 * Elasticsearch client's bulk helper into a fresh index made from the same template, refreshed at
 * the end. Their ratio is what the queues, cleaning, dedup and per-article merging cost next to
 * indexing itself. CPU seconds of the worker, Elasticsearch, Redis and this process (the
 * producer) are read before and after each phase, so a run says where the time went.
 *
 * Redis, measured only through what any client can see (so the figures stay valid whatever the
 * queue topology): the commands it ran while the files were processed (`INFO commandstats`, which
 * counts the commands Lua scripts run too), the commands the pipeline's clients sent
 * (bench/sent-commands.ts: an EVALSHA counts once), and, once every file has settled and the
 * processes are gone, the memory its keys still hold (completed jobs included).
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';
import { concreteIndexName, ensureArticleIndex, templateName } from '../infra/elasticsearch/article-index.ts';
import { createRedis } from '../lib/connections.ts';
import { createLogger } from '../lib/logger.ts';
import { type IngestSummary, ingest } from '../producers/ingest-cli/ingest.ts';
import { openProducer } from '../producers/open-producer.ts';
import { OwnRedis } from '../test/own-services.ts';
import { createTestPipeline } from '../test/pipeline-harness.ts';
import type { CorpusFile } from './corpus.ts';
import {
  elasticsearchCpuSeconds,
  processCpuSeconds,
  redisCpuSeconds,
  samplePeakRss,
} from './process-usage.ts';
import { type CpuProfile, type ProfileSummary, summariseProfile } from './profile-summary.ts';
import {
  commandsBetween,
  groupKeys,
  type KeyGroup,
  keyUsage,
  perArticle,
  type RankedCommand,
  rankCommands,
  readCommandStats,
  totalCalls,
  usedMemory,
} from './redis-usage.ts';
import {
  countSentCommands,
  readSentCommands,
  type SentCounts,
  sentBetween,
  sentCommandsPreload,
  totalSent,
} from './sent-commands.ts';
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
  /** CPU ms per article found, per component (the e2e CPU seconds above over `e2e_articles_found`). */
  worker_cpu_ms_per_article: number;
  elasticsearch_cpu_ms_per_article: number;
  redis_cpu_ms_per_article: number;
  producer_cpu_ms_per_article: number;
  /** Elasticsearch CPU ms per document in the bulk baseline. */
  bulk_elasticsearch_cpu_ms_per_document: number;
  /**
   * Commands Redis ran while the files were processed (`INFO commandstats`, every command, those
   * Lua scripts run included) per article found.
   */
  redis_commands_per_article: number;
  /** Commands the pipeline's clients sent (an EVALSHA is one) per article found. */
  redis_sent_commands_per_article: number;
  /** Script calls (EVALSHA, EVAL, FCALL) sent per article found. */
  redis_script_calls_per_article: number;
  /**
   * `used_memory` once every file has settled and the pipeline's processes are gone (completed
   * and failed jobs as they are kept), minus that of the empty server, per settled file.
   */
  redis_bytes_per_settled_file: number;
  /** Keys left at that point, and what `MEMORY USAGE` gives them all, in bytes. */
  redis_keys_left: number;
  redis_key_bytes_left: number;
  /** The largest key groups then: `family type keys bytes; ...` (the details are in `keyGroups`). */
  redis_largest_key_groups: string;
}

/** The figures, and the tables behind some of them. */
export interface EndToEndReport {
  figures: EndToEndResult;
  /** Commands Redis ran in the e2e window, most called first. */
  commands: RankedCommand[];
  /** Commands the pipeline's clients sent in that window, by the worker and by the producer. */
  sent: { worker: SentCounts; producer: SentCounts };
  /** The keys left after settling, grouped by name shape and type, largest first. */
  keyGroups: KeyGroup[];
  /** Where the worker's CPU went (when a profile was asked for). */
  profile?: ProfileSummary;
}

/** How long the shared services' CPU is read while nothing of this run is in flight, in ms. */
const IDLE_SAMPLE_MS = 5000;
/**
 * Elasticsearch refreshes the process stats its CPU is read from once a second
 * (`monitor.process.refresh_interval`): a reading waits this long after the work, in ms, or a
 * phase shorter than that reads as nothing.
 */
const ELASTICSEARCH_STATS_MS = 1100;
/** The connection this benchmark measures Redis with; its commands are not the pipeline's. */
const BENCH_CLIENT = 'sluice-bench';
/** The test harness's own connection (cleanup), not the pipeline's either. */
const HARNESS_CLIENT = 'sluice-test';
/**
 * `INFO` calls of the measuring connection inside the window: the first commandstats snapshot
 * (a command's stats are counted after it ran, so the second snapshot is not in itself).
 */
const OWN_COMMANDS_IN_WINDOW = { info: 1 };
/** Script calls, counted apart among the commands sent. */
const SCRIPT_COMMANDS = ['evalsha', 'eval', 'fcall', 'evalsha_ro', 'eval_ro', 'fcall_ro'];
/** Rows of the command tables, and key groups named in the JSON line. */
const TOP_COMMANDS = 10;
const NAMED_KEY_GROUPS = 4;

interface StoredDocument {
  id: string;
  source: Record<string, unknown>;
}

export async function benchEndToEnd(options: EndToEndOptions): Promise<EndToEndReport> {
  const logger = createLogger({ level: 'warn' });
  const server = await OwnRedis.start();
  const corpusDir = await mkdtemp(join(tmpdir(), 'sluice-bench-corpus-'));
  // Outside the corpus folder, which ingest walks.
  const countsFile = join(tmpdir(), `${options.name}-sent-commands.json`);
  const bulkAlias = `${options.name}-bulk`;
  const pipeline = await createTestPipeline({
    SLUICE_QUEUE_PREFIX: options.name,
    SLUICE_INDEX: options.name,
    REDIS_URL: server.url,
  });
  const { elasticsearch, config } = pipeline;
  const bench = createRedis(server.url, { name: BENCH_CLIENT });
  // This process's clients (the producer's) counted from here on, the measuring ones left out.
  const producerSent = countSentCommands([BENCH_CLIENT, HARNESS_CLIENT]);
  try {
    for (const file of options.files) await writeFile(join(corpusDir, file.name), file.text);
    const emptyMemory = await usedMemory(bench);
    const preload = sentCommandsPreload(countsFile);
    const worker = await startSluice(['work'], { ...pipeline.env, ...preload.env }, 'Workers started.', {
      nodeArgs: [
        ...preload.nodeArgs,
        ...(options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : []),
      ],
    });
    const rss = samplePeakRss(worker.pid);
    const producer = openProducer(config, logger, 'ingest');
    let run: {
      seconds: number;
      summary: IngestSummary;
      cpu: CpuSeconds;
      idle: CpuSeconds;
      commands: ReturnType<typeof commandsBetween>;
      sent: { worker: SentCounts; producer: SentCounts };
    };
    try {
      const cpu = cpuReader(elasticsearch, bench, worker.pid);
      // Elasticsearch is shared: its CPU while this run is idle is other clients'.
      const idleStart = await cpu();
      await sleep(IDLE_SAMPLE_MS);
      const idle = difference(await cpu(), idleStart);
      const sentBefore = {
        worker: await readSentCommands(worker.pid, countsFile),
        producer: producerSent.counts(),
      };
      const before = await cpu();
      const statsBefore = await readCommandStats(bench);
      const started = performance.now();
      const summary = await ingest(producer.submitter, producer.ledger, { paths: [corpusDir], wait: true });
      await elasticsearch.indices.refresh({ index: config.index });
      const seconds = (performance.now() - started) / 1000;
      const statsAfter = await readCommandStats(bench);
      const cpuAfter = await cpu(ELASTICSEARCH_STATS_MS);
      const sent = {
        worker: sentBetween(sentBefore.worker, await readSentCommands(worker.pid, countsFile)),
        producer: sentBetween(sentBefore.producer, producerSent.counts()),
      };
      run = {
        seconds,
        summary,
        cpu: difference(cpuAfter, before),
        idle,
        commands: commandsBetween(statsBefore, statsAfter, OWN_COMMANDS_IN_WINDOW),
        sent,
      };
    } catch (error) {
      logger.error({ log: worker.recentLog() }, 'The end-to-end run failed; the worker log follows.');
      throw error;
    } finally {
      await producer.close();
      await worker.stop();
    }
    const memory = rss.stop();
    // Settled, and the pipeline's connections closed: what Redis still holds is its keys.
    const settledBytes = (await usedMemory(bench)) - emptyMemory;
    const keys = await keyUsage(bench);
    const keyGroups = groupKeys(keys, `{${config.queuePrefix}}`);
    const documents = await readAllDocuments(elasticsearch, config.index);

    await ensureArticleIndex(elasticsearch, bulkAlias);
    const esBefore = await elasticsearchCpuSettled(elasticsearch);
    const bulkStarted = performance.now();
    await bulkIndex(elasticsearch, bulkAlias, documents);
    const bulkSeconds = (performance.now() - bulkStarted) / 1000;
    const bulkCpu = (await elasticsearchCpuSettled(elasticsearch)) - esBefore;

    const articles = run.summary.articles;
    const settledFiles = run.summary.done + run.summary.failed.length;
    const e2eRate = documents.length / run.seconds;
    const bulkRate = documents.length / bulkSeconds;
    const msPerArticle = (seconds: number) => perArticle(seconds * 1000, articles);
    const sent = mergeCounts(run.sent.worker, run.sent.producer);
    const figures: EndToEndResult = {
      e2e_files: options.files.length,
      e2e_files_failed: run.summary.failed.length,
      e2e_articles_found: articles,
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
      worker_cpu_ms_per_article: msPerArticle(run.cpu.worker),
      elasticsearch_cpu_ms_per_article: msPerArticle(run.cpu.elasticsearch),
      redis_cpu_ms_per_article: msPerArticle(run.cpu.redis),
      producer_cpu_ms_per_article: msPerArticle(run.cpu.producer),
      bulk_elasticsearch_cpu_ms_per_document: perArticle(bulkCpu * 1000, documents.length),
      redis_commands_per_article: perArticle(totalCalls(run.commands), articles),
      redis_sent_commands_per_article: perArticle(totalSent(sent), articles),
      redis_script_calls_per_article: perArticle(
        SCRIPT_COMMANDS.reduce((sum, name) => sum + (sent[name] ?? 0), 0),
        articles,
      ),
      redis_bytes_per_settled_file: Math.round(settledBytes / settledFiles),
      redis_keys_left: keys.length,
      redis_key_bytes_left: keys.reduce((sum, key) => sum + key.bytes, 0),
      redis_largest_key_groups: keyGroups
        .slice(0, NAMED_KEY_GROUPS)
        .map((group) => `${group.family} ${group.type} ${group.keys} ${group.bytes}`)
        .join('; '),
    };
    return {
      figures,
      commands: rankCommands(run.commands, articles, TOP_COMMANDS),
      sent: run.sent,
      keyGroups,
      profile: options.cpuProfileDir ? await workerProfile(options.cpuProfileDir, worker.pid) : undefined,
    };
  } finally {
    await elasticsearch.indices.delete({ index: concreteIndexName(bulkAlias), ignore_unavailable: true });
    await elasticsearch.indices.deleteIndexTemplate({ name: templateName(bulkAlias) }).catch(() => undefined);
    await rm(corpusDir, { recursive: true, force: true });
    await rm(countsFile, { force: true });
    bench.disconnect();
    await pipeline.cleanup();
    await server.destroy();
  }
}

/** The summary of the CPU profile the worker process `pid` wrote into `dir` when it stopped. */
async function workerProfile(dir: string, pid: number): Promise<ProfileSummary> {
  const name = (await readdir(dir)).find((file) => file.includes(`.${pid}.`) && file.endsWith('.cpuprofile'));
  if (!name) throw new Error(`The worker (pid ${pid}) wrote no CPU profile into ${dir}`);
  return summariseProfile(JSON.parse(await readFile(join(dir, name), 'utf8')) as CpuProfile);
}

function mergeCounts(...counts: SentCounts[]): SentCounts {
  const merged: SentCounts = {};
  for (const each of counts)
    for (const [name, count] of Object.entries(each)) merged[name] = (merged[name] ?? 0) + count;
  return merged;
}

interface CpuSeconds {
  worker: number;
  elasticsearch: number;
  redis: number;
  producer: number;
}

/**
 * Reads every component's CPU seconds; Elasticsearch's `elasticsearchWaitMs` later (its stats
 * lag: ELASTICSEARCH_STATS_MS), the others at once.
 */
function cpuReader(
  elasticsearch: Client,
  redis: Redis,
  workerPid: number,
): (elasticsearchWaitMs?: number) => Promise<CpuSeconds> {
  return async (elasticsearchWaitMs = 0) => {
    const now = {
      worker: processCpuSeconds(workerPid),
      redis: await redisCpuSeconds(redis),
      producer: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    };
    await sleep(elasticsearchWaitMs);
    return { ...now, elasticsearch: await elasticsearchCpuSeconds(elasticsearch) };
  };
}

/** Elasticsearch's CPU seconds once its stats have caught up with the work just done. */
async function elasticsearchCpuSettled(elasticsearch: Client): Promise<number> {
  await sleep(ELASTICSEARCH_STATS_MS);
  return elasticsearchCpuSeconds(elasticsearch);
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
