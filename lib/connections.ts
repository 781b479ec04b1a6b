/**
 * Client factories. Process code (the CLI) builds them from the config; tests build them with
 * their own prefixes and index names, so nothing here reads globals.
 */
import { Client } from '@elastic/elasticsearch';
import { Redis, type RedisOptions } from 'ioredis';
import type { Config } from './config.ts';
import { type Logger, redactUrl } from './logger.ts';

export interface RedisConnectionOptions {
  /**
   * BullMQ workers block on Redis and must never give up on a command
   * (https://docs.bullmq.io/guide/going-to-production#maxretriesperrequest); producers and
   * one-shot commands should fail fast instead. Default: `false` (fail fast).
   */
  blocking?: boolean;
  /** Client name shown by `CLIENT LIST`; default `sluice`. */
  name?: string;
  /**
   * Where connection errors go (ioredis reconnects by itself; without a listener it prints
   * "Unhandled error event" on every attempt). Default: not reported; commands still fail.
   */
  logger?: Logger;
}

/** Connection errors are reported at most this often while Redis stays away, in ms. */
const ERROR_REPORT_INTERVAL_MS = 10_000;

export function createRedis(redisUrl: string, options: RedisConnectionOptions = {}): Redis {
  const redisOptions: RedisOptions = {
    connectionName: options.name ?? 'sluice',
    maxRetriesPerRequest: options.blocking ? null : 3,
    enableOfflineQueue: options.blocking ?? false,
    lazyConnect: false,
  };
  const redis = new Redis(redisUrl, redisOptions);
  let lastReport = 0;
  redis.on('error', (error: Error) => {
    const now = Date.now();
    if (now - lastReport < ERROR_REPORT_INTERVAL_MS) return;
    lastReport = now;
    options.logger?.warn(
      { redis: redactUrl(redisUrl), client: redisOptions.connectionName, err: error.message },
      'Redis connection lost; reconnecting.',
    );
  });
  return redis;
}

export interface ElasticsearchClientOptions {
  /**
   * Times the client itself resends a failed request; default 3. The workers' client takes 0:
   * their bulk batcher and job queue retry, and a third layer would multiply the sends.
   */
  maxRetries?: number;
}

export function createElasticsearch(
  config: Pick<Config, 'elasticsearch'>,
  options: ElasticsearchClientOptions = {},
): Client {
  const { url, username, password, apiKey } = config.elasticsearch;
  return new Client({
    node: url,
    auth: apiKey ? { apiKey } : username && password ? { username, password } : undefined,
    requestTimeout: 30_000,
    maxRetries: options.maxRetries ?? 3,
  });
}
