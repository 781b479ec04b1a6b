/**
 * One Sluice process, as `start`, `work` and the integration tests run it: the index set up
 * (idempotently), the HTTP server (queue board, readiness, metrics) when served, the stage workers
 * (workers/pipeline.ts), and the folder producer when watching. Everything that can refuse to
 * start (a public address without a token, setup, a taken port) is done before the workers and
 * the producer, so a process that cannot run stops before it takes any file, and closes what it
 * opened so it exits at once (issue 13 item 12). The server's metrics are what the workers and
 * the producer count into.
 */
import type { Client } from '@elastic/elasticsearch';
import { type OpenedDashboard, openDashboard } from '../infra/dashboard/open-dashboard.ts';
import { type PipelineSetup, setupPipeline } from '../infra/elasticsearch/setup-pipeline.ts';
import type { Config } from '../lib/config.ts';
import { createElasticsearch } from '../lib/connections.ts';
import { SluiceError } from '../lib/errors.ts';
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
  /** Open the HTTP server; default true. */
  serve?: boolean;
  /**
   * Listen on SLUICE_HTTP_HOST:SLUICE_HTTP_PORT before any work is taken: `required` refuses to
   * run when the port is taken (`start`), `optional` runs without a server then (`work`: workers
   * on one machine share its ports); default: not listening (tests inject requests).
   */
  listen?: 'required' | 'optional';
  /** Metrics to count into when not served (tests); a served process uses its server's. */
  metrics?: SluiceMetrics;
  /** The Elasticsearch client to use (the caller keeps owning it); default one of its own. */
  elasticsearch?: Client;
}

export interface PipelineProcess {
  /** The HTTP server, when served. */
  dashboard: OpenedDashboard | null;
  /** Where the server listens, when it does. */
  address: string | null;
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
  let dashboard: OpenedDashboard | null = null;
  let setup: PipelineSetup | undefined;
  let address: string | null = null;
  try {
    dashboard = options.serve === false ? null : await openDashboard({ config, elasticsearch, logger });
    setup = await setupPipeline(config, elasticsearch, logger, { kibanaInBackground: true });
    if (dashboard && options.listen) address = await listen(dashboard, config, logger, options.listen);
  } catch (error) {
    setup?.stop();
    await dashboard?.close();
    if (ownsClient) await elasticsearch.close();
    throw error;
  }
  const metrics = dashboard?.metrics ?? options.metrics;
  const {
    watch: _watch,
    serve: _serve,
    listen: _listen,
    elasticsearch: _client,
    policy,
    ...workerOptions
  } = options;
  const workers = runWorkers({ config, elasticsearch, logger, ...workerOptions, metrics });
  const watching = options.watch ? await watchInbox(config, logger, { metrics, policy }) : null;
  return {
    dashboard,
    address,
    workers,
    watching,
    async close() {
      setup?.stop();
      await watching?.close();
      await dashboard?.close();
      await workers.close();
      if (ownsClient) await elasticsearch.close();
    },
  };
}

/** Listens; a taken port is one line (`required`) or a warning and no server (`optional`). */
async function listen(
  dashboard: OpenedDashboard,
  config: Config,
  logger: Logger,
  mode: 'required' | 'optional',
): Promise<string | null> {
  const { host, port } = config.http;
  try {
    return await dashboard.app.listen({ host, port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    if (mode === 'required') {
      throw new SluiceError(
        'HTTP_PORT_TAKEN',
        `${host}:${port} is taken (another \`sluice start\`?): stop that one, or set SLUICE_HTTP_PORT to a free port (0: any)`,
      );
    }
    logger.warn(
      { port },
      'SLUICE_HTTP_PORT is taken (another Sluice process?); this worker serves no metrics. Give each worker its own port (or 0) to scrape it.',
    );
    return null;
  }
}
