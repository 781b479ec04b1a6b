/**
 * Client factories. Process code (the CLI) builds them from the config; tests build them with
 * their own prefixes and index names, so nothing here reads globals.
 */
import { once } from 'node:events';
import { Client } from '@elastic/elasticsearch';
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
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

/** A connection to one Redis server, or to a Redis Cluster (`redis+cluster://`). */
export type RedisClient = Redis | Cluster;

/**
 * URL schemes of a Redis Cluster: `redis+cluster://[user:password@]host:port[?nodes=host:port,...]`.
 * The client learns every node from the first one that answers; `nodes` lists more to start from,
 * so a process started while one of them is down still finds the cluster.
 */
export const REDIS_CLUSTER_PROTOCOLS = ['redis+cluster:', 'rediss+cluster:'] as const;

export function isClusterUrl(redisUrl: string): boolean {
  return (REDIS_CLUSTER_PROTOCOLS as readonly string[]).includes(new URL(redisUrl).protocol);
}

/**
 * How the Cluster client rides out a failover: a master that died is replaced by its replica
 * after about `cluster-node-timeout` plus an election (2-3 s with a 2 s timeout, 15-20 s with
 * Redis's default 15 s), and until then a command to its slots is refused or finds no
 * connection. ioredis retries such a command after a delay, at most `maxRedirections` times.
 */
export const CLUSTER_DEFAULTS = {
  /** Wait between tries while the slot's master is gone or the cluster is down, in ms. */
  retryDelayMs: 300,
  /** 200 tries of 300 ms: a command outlives a failover under Redis's default 15 s node timeout. */
  maxRedirections: 200,
  /**
   * How long the client waits for a node's slot map, in ms (ioredis: 1000); on a busy machine a
   * second is too short, and a refresh that times out drops the connections of every command in flight.
   */
  slotsRefreshTimeoutMs: 5000,
} as const;

/** A single-node client (the URL must be `redis://` or `rediss://`): tests and benchmarks use it for the node they started. */
export function createRedis(redisUrl: string, options: RedisConnectionOptions = {}): Redis {
  return watched(new Redis(redisUrl, nodeOptions(options)), redisUrl, options);
}

/**
 * The pipeline's client: a Cluster client for a `redis+cluster://` URL, else a single-node one.
 * Every key a command touches must then hash to one slot: all of them carry a hash tag (lib/keys.ts).
 */
export function createRedisClient(redisUrl: string, options: RedisConnectionOptions = {}): RedisClient {
  if (!isClusterUrl(redisUrl)) return createRedis(redisUrl, options);
  const url = new URL(redisUrl);
  const clusterOptions: ClusterOptions = {
    redisOptions: {
      // Each node's connection is made (and dropped on failure) by the Cluster client itself.
      ...nodeOptions(options),
      lazyConnect: undefined,
      username: url.username ? decodeURIComponent(url.username) : undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      tls: url.protocol === 'rediss+cluster:' ? {} : undefined,
    },
    enableOfflineQueue: options.blocking ?? false,
    retryDelayOnFailover: CLUSTER_DEFAULTS.retryDelayMs,
    retryDelayOnClusterDown: CLUSTER_DEFAULTS.retryDelayMs,
    retryDelayOnTryAgain: CLUSTER_DEFAULTS.retryDelayMs,
    maxRedirections: CLUSTER_DEFAULTS.maxRedirections,
    slotsRefreshTimeout: CLUSTER_DEFAULTS.slotsRefreshTimeoutMs,
  };
  return watched(new Cluster(clusterSeeds(url), clusterOptions), redisUrl, options);
}

/** The nodes a Cluster client starts from: the URL's host, then its `nodes` parameter. */
export function clusterSeeds(url: URL): Array<{ host: string; port: number }> {
  const others = (url.searchParams.get('nodes') ?? '').split(',').filter(Boolean);
  return [url.host, ...others].map((address) => {
    const at = address.lastIndexOf(':');
    const host = at > 0 && !address.endsWith(']') ? address.slice(0, at) : address;
    const port = at > 0 && !address.endsWith(']') ? Number(address.slice(at + 1)) : 6379;
    return { host: host.replace(/^\[(.*)\]$/, '$1'), port };
  });
}

function nodeOptions(options: RedisConnectionOptions): RedisOptions {
  return {
    connectionName: options.name ?? 'sluice',
    maxRetriesPerRequest: options.blocking ? null : 3,
    enableOfflineQueue: options.blocking ?? false,
    lazyConnect: false,
  };
}

/** Connection errors go to reportRedisTrouble, and the first `ready` after them says so. */
function watched<T extends RedisClient>(redis: T, redisUrl: string, options: RedisConnectionOptions): T {
  redis.on('error', (error: Error) => {
    if (!reportRedisTrouble(options.logger, redisUrl, error)) {
      options.logger?.error({ redis: redactUrl(redisUrl), err: error }, 'Redis client error.');
    }
  });
  redis.on('ready', () => reportRedisBack(options.logger, redisUrl));
  return redis;
}

/**
 * Every master of the client (the one server of a single-node client): SCAN, INFO and other
 * per-server commands go to each, since a Cluster client sends them to one node at random. A
 * Cluster client knows its nodes once it is ready, so this waits for that.
 */
export async function masters(redis: RedisClient): Promise<Redis[]> {
  if (!(redis instanceof Cluster)) return [redis];
  if (redis.status !== 'ready') await once(redis, 'ready');
  return redis.nodes('master');
}

/** The keys matching `pattern` on every master, a batch at a time (SCAN MATCH). */
export async function* scanKeys(redis: RedisClient, pattern: string, count = 1000): AsyncGenerator<string[]> {
  for (const node of await masters(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', count);
      if (keys.length > 0) yield keys;
      cursor = next;
    } while (cursor !== '0');
  }
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
