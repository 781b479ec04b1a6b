/**
 * The workers of one process with their HTTP server (queue board, readiness, metrics): what
 * `sluice start` and `sluice work` both run. The server is opened first: it refuses a public
 * address without a token before any worker starts, and its metrics are what workers count into.
 */

import { type OpenedDashboard, openDashboard } from '../infra/dashboard/open-dashboard.ts';
import type { Config } from '../lib/config.ts';
import { createElasticsearch } from '../lib/connections.ts';
import type { Logger } from '../lib/logger.ts';
import { startWorkerProcess } from '../workers/pipeline.ts';

export interface ServedWorkers {
  dashboard: OpenedDashboard;
  /** Stops the server, lets the workers finish their active jobs, closes connections. */
  close(): Promise<void>;
}

export async function openServedWorkers(config: Config, logger: Logger): Promise<ServedWorkers> {
  const readinessClient = createElasticsearch(config);
  const dashboard = await openDashboard({ config, elasticsearch: readinessClient, logger });
  const worker = await startWorkerProcess(config, logger, { metrics: dashboard.metrics });
  return {
    dashboard,
    async close() {
      await dashboard.close();
      await worker.close();
      await readinessClient.close();
    },
  };
}
