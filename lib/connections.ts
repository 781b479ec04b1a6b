/**
 * Client factories. Process code (the CLI) builds them from the config; tests build them with
 * their own prefixes and index names, so nothing here reads globals.
 */
import { Client } from '@elastic/elasticsearch';
import { Redis, type RedisOptions } from 'ioredis';
import type { Config } from './config.ts';

export interface RedisConnectionOptions {
  /**
   * BullMQ workers block on Redis and must never give up on a command
   * (https://docs.bullmq.io/guide/going-to-production#maxretriesperrequest); producers and
   * one-shot commands should fail fast instead. Default: `false` (fail fast).
   */
  blocking?: boolean;
  /** Client name shown by `CLIENT LIST`; default `sluice`. */
  name?: string;
}

export function createRedis(redisUrl: string, options: RedisConnectionOptions = {}): Redis {
  const redisOptions: RedisOptions = {
    connectionName: options.name ?? 'sluice',
    maxRetriesPerRequest: options.blocking ? null : 3,
    enableOfflineQueue: options.blocking ?? false,
    lazyConnect: false,
  };
  return new Redis(redisUrl, redisOptions);
}

export function createElasticsearch(config: Pick<Config, 'elasticsearch'>): Client {
  const { url, username, password, apiKey } = config.elasticsearch;
  return new Client({
    node: url,
    auth: apiKey ? { apiKey } : username && password ? { username, password } : undefined,
    requestTimeout: 30_000,
    maxRetries: 3,
  });
}

/**
 * The BullMQ prefix for a pipeline. The braces are a Redis Cluster hash tag: every key of every
 * queue of one pipeline hashes to one slot, which BullMQ's multi-key Lua scripts require.
 */
export function queuePrefix(config: Pick<Config, 'queuePrefix'>): string {
  return `{${config.queuePrefix}}`;
}
