/**
 * A worker process for the kill tests: the workers of the pipeline configured by the environment,
 * as `sluice work` runs them, but with short job locks (4 s, stalled check every second) so a
 * killed worker's jobs are taken up again within seconds instead of 15-20 s.
 */
import { loadConfig } from '../../lib/config.ts';
import { createElasticsearch } from '../../lib/connections.ts';
import { createLogger } from '../../lib/logger.ts';
import { runWorkers } from '../../workers/pipeline.ts';

const config = loadConfig();
runWorkers({
  config,
  elasticsearch: createElasticsearch(config),
  logger: createLogger({ level: 'info', pretty: false }),
  lockDurationMs: 4000,
  stalledIntervalMs: 1000,
});
