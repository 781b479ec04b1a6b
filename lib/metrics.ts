/**
 * Every Prometheus metric Sluice exposes, defined once, in one registry per process.
 *
 * Naming: `sluice_<noun>_<unit|total>`, snake case. Counters end in `_total`, durations are
 * histograms in `_seconds`, sizes in `_bytes`, gauges of things counted name the thing
 * (`sluice_queue_jobs`). Labels are few and bounded: `stage` (the queue name on queue and job
 * metrics; extract, dedupe, index or finalize on `sluice_stage_duration_seconds`), `state`
 * (a BullMQ job state), `outcome` (`completed`/`failed`; new/merged/failed for articles), `code` (a SluiceError code),
 * `reason` (an Elasticsearch error type). Node's default process metrics get the same
 * `sluice_` prefix, so one `{__name__=~"sluice_.*"}` selects everything.
 * The README's "Dashboards and metrics" section lists them for operators.
 */
import type { Job, Worker } from 'bullmq';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The job states a queue is counted in, as BullMQ's `getJobCounts` names them. */
export const QUEUE_STATES = [
  'waiting',
  'prioritized',
  'waiting-children',
  'active',
  'delayed',
  'paused',
  'completed',
  'failed',
] as const;

/** What the depth gauge needs from a queue; a BullMQ `Queue` is one. */
export interface QueueDepthSource {
  readonly name: string;
  getJobCounts(...states: string[]): Promise<Record<string, number>>;
}

/** What `observeWorker` needs from a worker; a BullMQ `Worker` is one. */
export type ObservableWorker = Pick<Worker, 'name' | 'on'>;

export interface MetricsOptions {
  /** Queues whose depth per state is read from Redis on every scrape; default none. */
  queues?: readonly QueueDepthSource[];
  /** Also collect Node's process metrics (memory, CPU, event loop); default `true`. */
  processMetrics?: boolean;
}

/** What became of an article: a new document, merged into an existing one, or refused for good. */
export const ARTICLE_OUTCOMES = ['new', 'merged', 'failed'] as const;

/** Seconds: from a cheap dedupe lookup (ms) to an extract of a 20 MB page (tens of s). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export type SluiceMetrics = ReturnType<typeof createMetrics>;

/**
 * A fresh registry with every Sluice metric. One per process (the CLI creates it); tests create
 * their own so counts never leak between them.
 */
export function createMetrics(options: MetricsOptions = {}) {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'sluice_' });
  const registers = [registry];
  const queues = options.queues ?? [];

  /** The depth read of the scrape in progress; both metrics below report from it. */
  let depthRead: Promise<Array<Record<string, number>> | undefined> = Promise.resolve([]);
  const readDepths = () =>
    Promise.all(queues.map((queue) => queue.getJobCounts(...QUEUE_STATES))).catch(() => undefined);

  // Declared before the error counter: the registry collects in declaration order, so the
  // read starts here and the counter below waits for the same read.
  new Gauge({
    name: 'sluice_queue_jobs',
    help: 'Jobs in each queue (stage) per BullMQ state, read from Redis at scrape time.',
    labelNames: ['stage', 'state'] as const,
    registers,
    async collect() {
      depthRead = readDepths();
      const counts = await depthRead;
      this.reset();
      queues.forEach((queue, i) => {
        const stateCounts = counts?.[i];
        if (!stateCounts) return;
        for (const state of QUEUE_STATES) this.set({ stage: queue.name, state }, stateCounts[state] ?? 0);
      });
    },
  });

  // A scrape while Redis is down still reports process metrics and says depths are missing.
  new Counter({
    name: 'sluice_queue_depth_errors_total',
    help: 'Scrapes whose queue depths could not be read from Redis.',
    registers,
    async collect() {
      if ((await depthRead) === undefined) this.inc();
    },
  });

  const jobDuration = new Histogram({
    name: 'sluice_job_duration_seconds',
    help: 'Time a worker spent on one job, per stage and outcome.',
    labelNames: ['stage', 'outcome'] as const,
    buckets: DURATION_BUCKETS,
    registers,
  });

  const stageDuration = new Histogram({
    name: 'sluice_stage_duration_seconds',
    help: 'Time one file spent in each stage of its job (extract, dedupe, index, finalize).',
    labelNames: ['stage'] as const,
    buckets: DURATION_BUCKETS,
    registers,
  });

  const articles = new Counter({
    name: 'sluice_articles_total',
    help: 'Articles indexed, by outcome: new (a new document), merged (into an existing one), failed (refused for good).',
    labelNames: ['outcome'] as const,
    registers,
  });
  // Every outcome is a series from the start, so rates and the dashboard's sums see zeros, not gaps.
  for (const outcome of ARTICLE_OUTCOMES) articles.inc({ outcome }, 0);

  const filesDone = new Counter({
    name: 'sluice_files_done_total',
    help: 'Input files fully processed and moved to done/.',
    registers,
  });

  const filesFailed = new Counter({
    name: 'sluice_files_failed_total',
    help: 'Input files moved to failed/, by error code.',
    labelNames: ['code'] as const,
    registers,
  });

  const bulkDuration = new Histogram({
    name: 'sluice_elasticsearch_bulk_duration_seconds',
    help: 'Latency of one Elasticsearch bulk request.',
    buckets: DURATION_BUCKETS,
    registers,
  });

  const bulkRejections = new Counter({
    name: 'sluice_elasticsearch_bulk_rejections_total',
    help: 'Documents Elasticsearch rejected in a bulk response, by error type (429s included).',
    labelNames: ['reason'] as const,
    registers,
  });

  /**
   * Times every job a BullMQ worker finishes, from BullMQ's own timestamps, so no processor
   * has to. The stage label is the worker's queue name.
   */
  function observeWorker(worker: ObservableWorker): void {
    const observe = (job: Job | undefined, outcome: 'completed' | 'failed') => {
      if (!job?.processedOn) return;
      // An attempt that will be retried has no finishedOn yet: it ended now.
      const seconds = ((job.finishedOn ?? Date.now()) - job.processedOn) / 1000;
      jobDuration.observe({ stage: worker.name, outcome }, seconds);
    };
    worker.on('completed', (job) => observe(job, 'completed'));
    worker.on('failed', (job) => observe(job, 'failed'));
  }

  return {
    registry,
    jobDuration,
    stageDuration,
    articles,
    filesDone,
    filesFailed,
    bulkDuration,
    bulkRejections,
    observeWorker,
  };
}
