/**
 * Readiness: the services the pipeline cannot work without answer. Each check has its own
 * short deadline, so a hung service makes `/readyz` say so instead of hanging the probe.
 */
import type { Client } from '@elastic/elasticsearch';
import type { RedisClient } from '../../lib/connections.ts';

export interface ReadinessOptions {
  redis: Pick<RedisClient, 'ping' | 'status'>;
  elasticsearch: Client;
  /** Longest wait for each service, in ms; default 2000. */
  timeoutMs?: number;
}

export interface Readiness {
  ready: boolean;
  /** `ok`, or what went wrong, per service. */
  checks: { redis: string; elasticsearch: string };
}

async function check(probe: () => Promise<unknown>, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([probe(), deadline]);
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

export async function checkReadiness(options: ReadinessOptions): Promise<Readiness> {
  const timeoutMs = options.timeoutMs ?? 2000;
  const [redis, elasticsearch] = await Promise.all([
    // A connection that fails fast refuses commands while it reconnects: say that, not ioredis' words.
    options.redis.status === 'ready'
      ? check(() => options.redis.ping(), timeoutMs)
      : Promise.resolve(`not connected (${options.redis.status})`),
    check(() => options.elasticsearch.ping({}, { requestTimeout: timeoutMs, maxRetries: 0 }), timeoutMs),
  ]);
  return { ready: redis === 'ok' && elasticsearch === 'ok', checks: { redis, elasticsearch } };
}
