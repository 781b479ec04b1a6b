/**
 * Client factories. Process code (the CLI) builds them from the config; tests build them with
 * their own prefixes and index names, so nothing here reads globals.
 */
import { Client } from '@elastic/elasticsearch';
import { Redis, type RedisOptions } from 'ioredis';
import type { Config } from './config.ts';
import { LogThrottle } from './log-throttle.ts';
import { type Logger, redactUrl } from './logger.ts';
import { redisFailure } from './service-failures.ts';

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
   * Where connection errors go, through reportRedisTrouble (ioredis reconnects by itself; without
   * a listener it prints "Unhandled error event" on every attempt). Default: not reported;
   * commands still fail.
   */
  logger?: Logger;
}

/** Redis trouble is logged at most this often per Redis URL and process while it lasts, in ms. */
export const REDIS_TROUBLE_INTERVAL_MS = 10_000;

/** Per Redis URL, while it is in trouble: when it began, and the throttle of its log lines. */
const troubles = new Map<string, { since: number; lines: LogThrottle }>();

/**
 * The one place Redis connection trouble is logged: every client createRedis makes, the stage
 * workers, the dashboard's queues and the folder producer report here, so an outage is one plain
 * line per interval ("Waiting for Redis at <url>.") instead of a stack per client and retry
 * (issue 16). Returns false, logging nothing, for an error that is not about the connection or
 * the credentials: the caller logs that one as it is.
 */
export function reportRedisTrouble(logger: Logger | undefined, redisUrl: string, error: unknown): boolean {
  const failure = redisFailure(error, redisUrl);
  if (!failure) return false;
  if (!logger) return true;
  const now = Date.now();
  const trouble = troubles.get(redisUrl) ?? { since: now, lines: new LogThrottle(REDIS_TROUBLE_INTERVAL_MS) };
  troubles.set(redisUrl, trouble);
  const line = trouble.lines.take(now);
  if (!line.due) return true;
  const where = redactUrl(redisUrl);
  const fields = {
    redis: where,
    code: failure.code,
    reason: failure.message,
    downSeconds: Math.round((now - trouble.since) / 1000),
    errorsSinceLastLine: line.heldBack,
  };
  if (failure.code === 'REDIS_AUTH_FAILED')
    logger?.error(fields, `Redis at ${where} refused the credentials.`);
  else logger?.warn(fields, `Waiting for Redis at ${where}.`);
  return true;
}

/** Says once that Redis answers again after trouble was reported. */
function reportRedisBack(logger: Logger | undefined, redisUrl: string): void {
  const trouble = troubles.get(redisUrl);
  if (!trouble) return;
  troubles.delete(redisUrl);
  logger?.info(
    { redis: redactUrl(redisUrl), downSeconds: Math.round((Date.now() - trouble.since) / 1000) },
    'Redis answers again.',
  );
}

export function createRedis(redisUrl: string, options: RedisConnectionOptions = {}): Redis {
  const redisOptions: RedisOptions = {
    connectionName: options.name ?? 'sluice',
    maxRetriesPerRequest: options.blocking ? null : 3,
    enableOfflineQueue: options.blocking ?? false,
    lazyConnect: false,
  };
  const redis = new Redis(redisUrl, redisOptions);
  redis.on('error', (error: Error) => {
    if (!reportRedisTrouble(options.logger, redisUrl, error)) {
      options.logger?.error({ redis: redactUrl(redisUrl), err: error }, 'Redis client error.');
    }
  });
  redis.on('ready', () => reportRedisBack(options.logger, redisUrl));
  return redis;
}

export interface ElasticsearchClientOptions {
  /**
   * Times the client itself resends a failed request; default 3. The workers' client takes 0:
   * their bulk batcher and job queue retry, and a third layer would multiply the sends.
   */
  maxRetries?: number;
}

/**
 * The nodes a client spreads its requests over: all of `nodes` when `url` is its first, else `url`
 * alone (settings copied with another `url`, a test's proxy say, mean that one node).
 */
export function elasticsearchNodes(settings: Config['elasticsearch']): string[] {
  const { url, nodes } = settings;
  return nodes && nodes[0] === url ? [...nodes] : [url];
}

export function createElasticsearch(
  config: Pick<Config, 'elasticsearch'>,
  options: ElasticsearchClientOptions = {},
): Client {
  const { username, password, apiKey } = config.elasticsearch;
  return new Client({
    // Several nodes: requests go round them, and one that fails gets fewer until it answers again.
    nodes: elasticsearchNodes(config.elasticsearch),
    auth: apiKey ? { apiKey } : username && password ? { username, password } : undefined,
    requestTimeout: 30_000,
    maxRetries: options.maxRetries ?? 3,
  });
}
