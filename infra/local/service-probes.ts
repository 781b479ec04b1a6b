/**
 * One look at each service: does it answer, and what is it. Shared by `infra up|status` and
 * `sluice doctor`. Each probe gives up after a few seconds instead of retrying.
 */
import { once } from 'node:events';
import type { Config } from '../../lib/config.ts';
import { createElasticsearch, createRedisClient } from '../../lib/connections.ts';
import { ServiceError } from '../../lib/errors.ts';
import { redactUrl } from '../../lib/logger.ts';

const PROBE_TIMEOUT_MS = 3_000;

export interface RedisFacts {
  version: string;
  /** `maxmemory-policy`; queues need `noeviction`. */
  maxmemoryPolicy: string;
  /** Whether the append-only file is on. */
  appendOnly: boolean;
}

/** Fields of `INFO` output (`key:value` lines). */
export function parseRedisInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return fields;
}

export async function probeRedis(redisUrl: string): Promise<RedisFacts> {
  const redis = createRedisClient(redisUrl, { name: 'sluice-probe' });
  try {
    const ready = once(redis, 'ready');
    const failed = once(redis, 'error').then(([error]) => Promise.reject(error));
    await withTimeout(Promise.race([ready, failed]), `no answer within ${PROBE_TIMEOUT_MS} ms`);
    const info = parseRedisInfo(await redis.info());
    return {
      version: info.get('redis_version') ?? 'unknown',
      maxmemoryPolicy: info.get('maxmemory_policy') ?? 'unknown',
      appendOnly: info.get('aof_enabled') === '1',
    };
  } catch (error) {
    throw new ServiceError(
      'REDIS_UNREACHABLE',
      `Redis at ${redactUrl(redisUrl)} does not answer: ${reason(error)}`,
      {
        cause: error,
      },
    );
  } finally {
    redis.disconnect();
  }
}

export interface ElasticsearchFacts {
  version: string;
  clusterName: string;
  /** green, yellow or red. */
  health: string;
  nodes: number;
}

export async function probeElasticsearch(config: Pick<Config, 'elasticsearch'>): Promise<ElasticsearchFacts> {
  const client = createElasticsearch(config);
  const options = { requestTimeout: PROBE_TIMEOUT_MS, maxRetries: 0 };
  try {
    const info = await client.info(undefined, options);
    const health = await client.cluster.health(undefined, options);
    return {
      version: info.version.number,
      clusterName: health.cluster_name,
      health: String(health.status),
      nodes: health.number_of_nodes,
    };
  } catch (error) {
    throw new ServiceError(
      'ELASTICSEARCH_UNREACHABLE',
      `Elasticsearch at ${redactUrl(config.elasticsearch.url)} does not answer: ${reason(error)}`,
      { cause: error },
    );
  } finally {
    await client.close();
  }
}

export interface KibanaFacts {
  version: string;
  /** `available`, `degraded`, `unavailable` or `critical`. */
  level: string;
}

export async function probeKibana(kibanaUrl: string): Promise<KibanaFacts> {
  try {
    const response = await fetch(new URL('/api/status', kibanaUrl), {
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status} from /api/status`);
    const body = (await response.json()) as {
      version?: { number?: string };
      status?: { overall?: { level?: string } };
    };
    return { version: body.version?.number ?? 'unknown', level: body.status?.overall?.level ?? 'unknown' };
  } catch (error) {
    throw new ServiceError(
      'KIBANA_UNREACHABLE',
      `Kibana at ${redactUrl(kibanaUrl)} does not answer: ${reason(error)}`,
      {
        cause: error,
      },
    );
  }
}

function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  // The Elasticsearch client wraps ECONNREFUSED and friends in a ConnectionError with a long message.
  return code && !error.message.includes(code) ? `${code} ${error.message}` : error.message;
}

async function withTimeout<T>(promise: Promise<T>, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), PROBE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
