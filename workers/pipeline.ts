/**
 * The pipeline's wiring: the one place that builds the stages (workers/<stage>/ never import each
 * other) and runs them, as workers/file-job.ts composes them, on the `files` queue. The process's
 * jobs share one Redis connection, one near-duplicate index and one bulk batcher. Closing is
 * graceful: stop taking jobs, let active jobs finish, flush the batcher, close the connection.
 */
import type { Client } from '@elastic/elasticsearch';
import { Worker } from 'bullmq';
import type { Config } from '../lib/config.ts';
import { createRedis } from '../lib/connections.ts';
import { FileLedger } from '../lib/file-ledger.ts';
import { pipelinePrefix } from '../lib/keys.ts';
import type { Logger } from '../lib/logger.ts';
import type { SluiceMetrics } from '../lib/metrics.ts';
import { QUEUE_NAMES } from '../lib/queues.ts';
import { NearDuplicateIndex } from './dedupe/near-duplicate-index.ts';
import { ExtractSandbox } from './extract/extract-sandbox.ts';
import { fileProcessor } from './file-job.ts';
import { articleBatcher } from './index/index-articles.ts';
import { lastingRecordSearch } from './index/lasting-record-search.ts';

export interface RunWorkersOptions {
  config: Pick<Config, 'redisUrl' | 'queuePrefix' | 'index' | 'concurrency' | 'extract' | 'dedupWindowMs'>;
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
  const connection = createRedis(config.redisUrl, { blocking: true, name: 'sluice-workers', logger });
  const batcher = articleBatcher(options.elasticsearch, {
    index: config.index,
    onBulk: (report) => {
      metrics?.bulkDuration.observe(report.seconds);
      for (const reason of report.rejections) metrics?.bulkRejections.inc({ reason });
    },
  });
  // Extraction runs in threads of its own, under a time and heap limit: a hostile page fails
  // alone and never stalls the jobs (and their locks) of this event loop.
  const sandbox = new ExtractSandbox({
    threads: config.extract.threads,
    timeLimitMs: config.extract.timeMs,
    heapLimitMb: config.extract.heapMb,
  });
  const processor = fileProcessor({
    ledger: new FileLedger(connection, { prefix, windowMs: config.dedupWindowMs }),
    extract: (bytes, extractOptions) => sandbox.extract(bytes, extractOptions),
    nearDuplicates: new NearDuplicateIndex(connection, { prefix, windowMs: config.dedupWindowMs }),
    // What Redis has forgotten (past the window, or lost) is found in the index it went to.
    lastingRecord: lastingRecordSearch(options.elasticsearch, { index: config.index }),
    batcher,
    logger,
    metrics,
  });
  const worker = new Worker(QUEUE_NAMES.files, processor, {
    connection,
    prefix,
    concurrency: config.concurrency,
    lockDuration: options.lockDurationMs ?? 15_000,
    stalledInterval: options.stalledIntervalMs ?? 5_000,
    // A job whose worker died twice is failed with its reason instead of looping.
    maxStalledCount: 2,
  });
  worker.on('error', (error) => logger.error({ err: error }, 'Worker lost its connection or failed.'));
  worker.on('failed', (job, error) => {
    if (job)
      logger.warn(
        { file: job.name, jobId: job.id, attempt: job.attemptsMade },
        `Job failed: ${error.message}`,
      );
  });
  metrics?.observeWorker(worker);
  logger.info({ prefix, index: config.index, concurrency: config.concurrency }, 'Workers started.');

  return {
    workers: [worker],
    async close() {
      await worker.close();
      await sandbox.close();
      await batcher.close();
      await connection.quit();
      logger.info('Workers stopped.');
    },
  };
}
