/**
 * The pipeline's wiring: the one place that builds the stages (workers/<stage>/ never import each
 * other) and runs them, as workers/file-job.ts composes them, on the `files` queue. The process's
 * jobs share one Redis connection, and one near-duplicate index and bulk batcher per index written
 * (the alias, and the index a reindex builds: lib/index-state.ts). Closing is
 * graceful: stop taking jobs, let active jobs finish, flush the batcher, close the connection.
 */
import type { Client } from '@elastic/elasticsearch';
import { Worker } from 'bullmq';
import type { Config } from '../lib/config.ts';
import { createRedisClient, reportRedisTrouble } from '../lib/connections.ts';
import { FileLedger } from '../lib/file-ledger.ts';
import { IndexStateStore } from '../lib/index-state.ts';
import { DEFAULT_DEDUP_NAMESPACE, partitionPrefixes, pipelinePrefix } from '../lib/keys.ts';
import type { Logger } from '../lib/logger.ts';
import type { SluiceMetrics } from '../lib/metrics.ts';
import { addFileJob, openFileQueues, QUEUE_NAMES } from '../lib/queues.ts';
import { NearDuplicateIndex } from './dedupe/near-duplicate-index.ts';
import { ChromeStore } from './extract/chrome-store.ts';
import { ExtractSandbox } from './extract/extract-sandbox.ts';
import { fileProcessor, type IndexWriters } from './file-job.ts';
import { type ArticleBatcher, articleBatcher } from './index/index-articles.ts';
import { lastingRecordSearch } from './index/lasting-record-search.ts';

export interface RunWorkersOptions {
  config: Pick<
    Config,
    | 'redisUrl'
    | 'queuePrefix'
    | 'partitions'
    | 'index'
    | 'concurrency'
    | 'extract'
    | 'inbox'
    | 'dedupWindowMs'
    | 'learnChrome'
  >;
  elasticsearch: Client;
  logger: Logger;
  /** Counters and timings to feed; default none. */
  metrics?: SluiceMetrics;
  /**
   * How long a job's lock lives without renewal, in ms; a job whose worker died is taken up again
   * after about this long plus `stalledIntervalMs`. Default 15000.
   */
  lockDurationMs?: number;
  /** How often workers look for stalled jobs, in ms; default 5000. */
  stalledIntervalMs?: number;
}

export interface RunningWorkers {
  readonly workers: readonly Worker[];
  /** Graceful: waits for active jobs and the batcher, then closes connections. */
  close(): Promise<void>;
}

export function runWorkers(options: RunWorkersOptions): RunningWorkers {
  const { config, logger, metrics } = options;
  const prefix = pipelinePrefix(config);
  const partitions = partitionPrefixes(config);
  const connection = createRedisClient(config.redisUrl, { blocking: true, name: 'sluice-workers', logger });
  // One batcher per index written (the alias, and the index a reindex builds), made on demand.
  const batchers = new Map<string, ArticleBatcher>();
  const batcherFor = (index: string): ArticleBatcher => {
    let batcher = batchers.get(index);
    if (!batcher) {
      batcher = articleBatcher(options.elasticsearch, {
        index,
        // The alias must exist; the index a reindex builds is a concrete one it created first.
        requireAlias: index === config.index,
        onBulk: (report) => {
          metrics?.bulkDuration.observe(report.seconds);
          for (const reason of report.rejections) metrics?.bulkRejections.inc({ reason });
        },
      });
      batchers.set(index, batcher);
    }
    return batcher;
  };
  const dedupStates = new Map<string, NearDuplicateIndex>();
  const nearDuplicatesFor = (namespace: string): NearDuplicateIndex => {
    let state = dedupStates.get(namespace);
    if (!state) {
      state = new NearDuplicateIndex(connection, { prefix, namespace, windowMs: config.dedupWindowMs });
      dedupStates.set(namespace, state);
    }
    return state;
  };
  const indexState = new IndexStateStore(connection, { prefix, alias: config.index });
  const indexes: IndexWriters = {
    targets: (jobId) => indexState.writeTargets(jobId),
    nearDuplicates: nearDuplicatesFor,
    batcher: batcherFor,
    recordReindexed: (target, fileHash, file) => indexState.recordFile(target.index, fileHash, file),
  };
  // Extraction runs in threads of its own, under a time and heap limit: a hostile page fails
  // alone and never stalls the jobs (and their locks) of this event loop.
  const sandbox = new ExtractSandbox({
    threads: config.extract.threads,
    timeLimitMs: config.extract.timeMs,
    heapLimitMb: config.extract.heapMb,
  });
  // A file that changed under its job goes back to the queue as its new content (file-job.ts).
  const queues = openFileQueues(connection, partitions);
  // The worker reports Redis trouble (below); an 'error' nobody listens to would end the process.
  queues.files.on('error', (error) => logger.debug({ err: error }, 'Requeueing queue lost Redis.'));
  const processor = fileProcessor({
    ledger: new FileLedger(connection, {
      prefix: partitions,
      inbox: config.inbox,
      windowMs: config.dedupWindowMs,
    }),
    extract: (bytes, extractOptions) => sandbox.extractPage(bytes, extractOptions),
    // Chrome a site repeats on its pages, learned from the files as they settle (SLUICE_LEARN_CHROME).
    chrome: config.learnChrome ? new ChromeStore(connection, { prefix }) : undefined,
    nearDuplicates: nearDuplicatesFor(DEFAULT_DEDUP_NAMESPACE),
    // What Redis has forgotten (past the window, or lost) is found in the index it went to.
    lastingRecord: lastingRecordSearch(options.elasticsearch, { index: config.index }),
    batcher: batcherFor(config.index),
    requeue: (file, jobOptions) => addFileJob(queues.files, file, jobOptions),
    indexes,
    logger,
    metrics,
  });
  // One worker per partition's queue; together they take about `concurrency` files at once (rounded up per partition).
  const perPartition = Math.ceil(config.concurrency / partitions.length);
  const workers = partitions.map((partitionPrefix) => {
    const worker = new Worker(QUEUE_NAMES.files, processor, {
      connection,
      prefix: partitionPrefix,
      concurrency: perPartition,
      lockDuration: options.lockDurationMs ?? 15_000,
      stalledInterval: options.stalledIntervalMs ?? 5_000,
      // A job whose worker died twice is failed with its reason instead of looping.
      maxStalledCount: 2,
    });
    worker.on('error', (error) => {
      if (!reportRedisTrouble(logger, config.redisUrl, error)) logger.error({ err: error }, 'Worker failed.');
    });
    // A job's failures are logged by its processor, which knows the stage it failed in; BullMQ's
    // own (a stalled job given up on) only here.
    worker.on('failed', (job, error) => {
      if (job && error.message.includes('stalled'))
        logger.warn(
          { file: job.name, jobId: job.id, attempt: job.attemptsMade },
          `Job failed: ${error.message}`,
        );
    });
    metrics?.observeWorker(worker);
    return worker;
  });
  logger.info(
    { prefix, partitions: partitions.length, index: config.index, concurrency: config.concurrency },
    'Workers started.',
  );

  return {
    workers,
    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
      await sandbox.close();
      await queues.files.close();
      await Promise.all([...batchers.values()].map((batcher) => batcher.close()));
      await connection.quit();
      logger.info('Workers stopped.');
    },
  };
}
