/**
 * Everything the HTTP server serves beyond `/healthz`: credentials (or, without a token, the
 * loopback Host check) and security headers on every route, `/readyz`, `/metrics` (Prometheus) and the queue board at `/queues`. Installed on the
 * server's root instance, so the hooks cover routes added before and after.
 */
import type { Client } from '@elastic/elasticsearch';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { RedisClient } from '../../lib/connections.ts';
import type { SluiceMetrics } from '../../lib/metrics.ts';
import { credentialsHook, loopbackHostHook, requiredToken } from './auth.ts';
import { registerQueueBoard } from './queue-board.ts';
import { checkReadiness } from './readiness.ts';
import { securityHeadersHook } from './security-headers.ts';

export interface DashboardOptions {
  /**
   * Where the server listens, its token (required beyond loopback, and with board actions) and
   * whether the board's actions are on (default off: read-only).
   */
  http: { host: string; token?: string; boardActions?: boolean };
  /** The pipeline's queues (with its prefix), shown at `/queues`. */
  queues: readonly Queue[];
  /** The process's metrics registry, served at `/metrics`. */
  metrics: Pick<SluiceMetrics, 'registry'>;
  /** Checked by `/readyz`. */
  redis: Pick<RedisClient, 'ping' | 'status'>;
  /** Checked by `/readyz`. */
  elasticsearch: Client;
}

/** Throws a ConfigError, before anything listens, when the binding is public and has no token. */
export async function installDashboard(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  const token = requiredToken(options.http);
  app.addHook('onRequest', token ? credentialsHook(token) : loopbackHostHook());
  app.addHook('onSend', securityHeadersHook);

  app.get('/readyz', async (_request, reply) => {
    const readiness = await checkReadiness(options);
    return reply.code(readiness.ready ? 200 : 503).send(readiness);
  });

  app.get('/metrics', async (_request, reply) => {
    const { registry } = options.metrics;
    return reply.type(registry.contentType).send(await registry.metrics());
  });

  await registerQueueBoard(app, { queues: options.queues, actions: options.http.boardActions === true });
}
