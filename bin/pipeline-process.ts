/**
 * One Sluice process, as `start`, `work` and the integration tests run it: the index set up
 * (idempotently), the HTTP server (queue board, readiness, metrics) when served, the stage workers
 * (workers/pipeline.ts), and the folder producer when watching. The server is opened before the
 * workers: it refuses a public address without a token before any job is taken, and its metrics
 * are what the workers and the producer count into.
 */
import type { Client } from '@elastic/elasticsearch';
import { type OpenedDashboard, openDashboard } from '../infra/dashboard/open-dashboard.ts';
import { setupPipeline } from '../infra/elasticsearch/setup-pipeline.ts';
import type { Config } from '../lib/config.ts';
import { createElasticsearch } from '../lib/connections.ts';
import type { Logger } from '../lib/logger.ts';
import type { SluiceMetrics } from '../lib/metrics.ts';
import type { JobPolicyOptions } from '../lib/queues.ts';
import { type WatchingInbox, watchInbox } from '../producers/folder-watcher/watch-inbox.ts';
import { type RunningWorkers, type RunWorkersOptions, runWorkers } from '../workers/pipeline.ts';

export interface PipelineProcessOptions
  extends Partial<Pick<RunWorkersOptions, 'lockDurationMs' | 'stalledIntervalMs'>> {
  /** Retry policy of the jobs this process's folder producer adds; default `jobPolicy()`. */
  policy?: JobPolicyOptions;
  /** Run the folder producer on `SLUICE_INBOX` too (`start`); default false (`work`). */
  watch?: boolean;
  /** Open the HTTP server (not listening yet: the caller listens); default true. */
  serve?: boolean;
  /** Metrics to count into when not served (tests); a served process uses its server's. */
  metrics?: SluiceMetrics;
  /** The Elasticsearch client to use (the caller keeps owning it); default one of its own. */
  elasticsearch?: Client;
}

export interface PipelineProcess {
  /** The HTTP server, when served. */
  dashboard: OpenedDashboard | null;
  workers: RunningWorkers;
  watching: WatchingInbox | null;
  /** Stops the producer and the server, lets the workers finish their active jobs, closes connections. */
  close(): Promise<void>;
}

export async function openPipelineProcess(
  config: Config,
  logger: Logger,
  options: PipelineProcessOptions = {},
): Promise<PipelineProcess> {
  const ownsClient = !options.elasticsearch;
  // One send per request: the bulk batcher and the job queue retry (one layer per failure kind).
  const elasticsearch = options.elasticsearch ?? createElasticsearch(config, { maxRetries: 0 });
  const dashboard = options.serve === false ? null : await openDashboard({ config, elasticsearch, logger });
  const metrics = dashboard?.metrics ?? options.metrics;
  const setup = await setupPipeline(config, elasticsearch, logger, { kibanaInBackground: true });
  const { watch: _watch, serve: _serve, elasticsearch: _client, policy, ...workerOptions } = options;
  const workers = runWorkers({ config, elasticsearch, logger, ...workerOptions, metrics });
  const watching = options.watch ? await watchInbox(config, logger, { metrics, policy }) : null;
  return {
    dashboard,
    workers,
    watching,
    async close() {
      setup.stop();
      await watching?.close();
      await dashboard?.close();
      await workers.close();
      if (ownsClient) await elasticsearch.close();
    },
  };
}
