/**
 * The HTTP server of a Sluice process with everything on it, built from the configuration:
 * the pipeline's queues (under its prefix) for the board and the depth gauge, the process's
 * metrics, and the readiness checks. Refuses a public binding without a token before anything
 * starts. The caller hands `metrics` to its workers and producers, then listens.
 */
import type { Client } from '@elastic/elasticsearch';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../lib/config.ts';
import { createRedisClient, type RedisClient, reportRedisTrouble } from '../../lib/connections.ts';
import { partitionPrefixes } from '../../lib/keys.ts';
import type { Logger } from '../../lib/logger.ts';
import { createMetrics, type SluiceMetrics } from '../../lib/metrics.ts';
import { openFileQueues } from '../../lib/queues.ts';
import { requiredToken } from './auth.ts';
import { installDashboard } from './dashboard.ts';
import { createServer } from './server.ts';

export interface OpenDashboardOptions {
  /** `partitions` defaults to 1 (SLUICE_PARTITIONS). */
  config: Pick<Config, 'redisUrl' | 'queuePrefix'> &
    Partial<Pick<Config, 'partitions'>> & {
      http: Pick<Config['http'], 'host' | 'token'> & Partial<Pick<Config['http'], 'boardActions'>>;
    };
  /** Checked by `/readyz`; the caller owns (and closes) it. */
  elasticsearch: Client;
  /** Request errors and refused credentials are logged here; default: nothing is logged. */
  logger?: Logger;
}

export interface OpenedDashboard {
  app: FastifyInstance;
  /** This process's metrics: give it to `runWorkers` and the producers. */
  metrics: SluiceMetrics;
  /** Closes the server, the queues and the Redis connection it opened. */
  close(): Promise<void>;
}

/**
 * Waits (at most a second) for a connection still being made: ioredis, disconnected between
 * connecting and its ready check, rejects that check where nobody can catch it.
 */
async function connectionSettled(redis: RedisClient): Promise<void> {
  if (redis.status !== 'connecting' && redis.status !== 'connect') return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 1000);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', done);
    redis.once('end', done);
  });
}

export async function openDashboard(options: OpenDashboardOptions): Promise<OpenedDashboard> {
  const { config } = options;
  requiredToken(config.http); // before any connection is opened: nothing to undo on refusal
  const redis = createRedisClient(config.redisUrl, { name: 'sluice-dashboard', logger: options.logger });
  // The `files` queue of every partition: the board lists each, the depth gauge sums them.
  const { files } = openFileQueues(
    redis,
    partitionPrefixes({ queuePrefix: config.queuePrefix, partitions: config.partitions ?? 1 }),
  );
  // While Redis is away the board and the depth gauge fail per request and /readyz says so;
  // the queue's own connection errors must not crash the process.
  files.on('error', (error) => {
    if (!reportRedisTrouble(options.logger, config.redisUrl, error))
      options.logger?.warn({ err: error, queue: files.name }, 'Dashboard queue failed.');
  });
  const queues = files.partitions;
  const metrics = createMetrics({ queues: [files] });
  const app = createServer({ logger: options.logger });
  await installDashboard(app, {
    http: config.http,
    queues,
    metrics,
    redis,
    elasticsearch: options.elasticsearch,
  });
  return {
    app,
    metrics,
    async close() {
      await app.close();
      await Promise.all(queues.map((queue) => queue.close()));
      await connectionSettled(redis);
      redis.disconnect();
    },
  };
}
