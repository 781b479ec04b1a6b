/**
 * The pipeline's wiring: the one module that composes the stages (workers/<stage>/ never import
 * each other). It starts one worker per stage in this process, sharing one Redis connection, one
 * flow producer and one bulk batcher; connects each stage's output to the next (extract hands a
 * file's articles to a flow of dedupe -> index -> finalize, workers/file-flow.ts); and closes them
 * gracefully: stop taking jobs, let active jobs finish, flush the batcher, close connections.
 */
import type { Client } from '@elastic/elasticsearch';
import { FlowProducer, type Processor, Worker, type WorkerOptions } from 'bullmq';
import type { Article } from '../lib/article.ts';
import type { Config } from '../lib/config.ts';
import { createRedis, reportRedisTrouble } from '../lib/connections.ts';
import { FileLedger } from '../lib/file-ledger.ts';
import type { FileOutcome } from '../lib/inbox.ts';
import { pipelinePrefix } from '../lib/keys.ts';
import type { Logger } from '../lib/logger.ts';
import type { SluiceMetrics } from '../lib/metrics.ts';
import {
  type FileRef,
  type IndexResult,
  type JobPolicyOptions,
  jobPolicy,
  QUEUE_NAMES,
  type QueueName,
} from '../lib/queues.ts';
import { dedupeProcessor } from './dedupe/dedupe-worker.ts';
import { NearDuplicateIndex } from './dedupe/near-duplicate-index.ts';
import { extractProcessor } from './extract/extract-worker.ts';
import { buildFileFlow } from './file-flow.ts';
import { finalizeProcessor } from './finalize/finalize-worker.ts';
import { articleBatcher, indexProcessor } from './index/index-worker.ts';

export interface RunWorkersOptions {
  config: Pick<Config, 'redisUrl' | 'queuePrefix' | 'index' | 'concurrency'>;
  elasticsearch: Client;
  logger: Logger;
  /** Counters and timings to feed; default none. */
  metrics?: SluiceMetrics;
  /** Retry policy of the jobs the extract stage adds. */
  policy?: JobPolicyOptions;
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
  const ledger = new FileLedger(connection, { prefix });
  const flows = new FlowProducer({ connection, prefix });
  const batcher = articleBatcher(options.elasticsearch, {
    index: config.index,
    onBulk: (report) => {
      metrics?.bulkDuration.observe(report.seconds);
      for (const reason of report.rejections) metrics?.bulkRejections.inc({ reason });
    },
  });
  const policy = jobPolicy(options.policy);
  // The topology: extract hands each file's articles to a flow of dedupe -> index -> finalize.
  const handOn = async (file: FileRef, articles: readonly Article[]) => {
    await flows.add(buildFileFlow(file, articles, policy));
  };
  const onSettled = (outcome: FileOutcome) => {
    if (outcome.status === 'done') metrics?.filesDone.inc();
    else metrics?.filesFailed.inc({ code: outcome.failure.code });
  };

  const workerOptions: WorkerOptions = {
    connection,
    prefix,
    lockDuration: options.lockDurationMs ?? 15_000,
    stalledInterval: options.stalledIntervalMs ?? 5_000,
    // A job whose worker died twice is failed with its reason instead of looping.
    maxStalledCount: 2,
  };
  const start = (queue: QueueName, processor: Processor, concurrency: number) => {
    const worker = new Worker(queue, processor, { ...workerOptions, concurrency });
    worker.on('error', (error) => {
      if (!reportRedisTrouble(logger, config.redisUrl, error))
        logger.error({ err: error, stage: queue }, 'Worker failed.');
    });
    worker.on('failed', (job, error) => {
      if (job)
        logger.warn(
          { stage: queue, jobId: job.id, attempt: job.attemptsMade },
          `Job failed: ${error.message}`,
        );
    });
    metrics?.observeWorker(worker);
    return worker;
  };

  const index = start(QUEUE_NAMES.index, indexProcessor(batcher), config.concurrency.index);
  index.on('completed', (_job, result: IndexResult) => {
    metrics?.articlesIndexed.inc();
    if (!result.created) metrics?.duplicatesMerged.inc();
  });
  const workers = [
    start(
      QUEUE_NAMES.extract,
      extractProcessor({ ledger, handOn, logger, onSettled }),
      config.concurrency.extract,
    ),
    start(
      QUEUE_NAMES.dedupe,
      dedupeProcessor(new NearDuplicateIndex(connection, { prefix })),
      config.concurrency.dedupe,
    ),
    index,
    // Finalizing is a rename and a Redis write per file: a few at once keep up with any extract rate.
    start(QUEUE_NAMES.finalize, finalizeProcessor({ ledger, logger, onSettled }), 8),
  ];
  logger.info({ prefix, index: config.index, concurrency: config.concurrency }, 'Workers started.');

  return {
    workers,
    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
      await batcher.close();
      await flows.close();
      await connection.quit();
      logger.info('Workers stopped.');
    },
  };
}
