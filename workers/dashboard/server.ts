/**
 * The HTTP app of `sluice start`: `/healthz` (the process is up and serving) here; the dashboard,
 * readiness and metrics are installed on top by workers/dashboard/dashboard.ts. Building the app
 * is apart from listening and signals (the process shell in start-command.ts), so tests build it
 * with `inject` and no port.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from '../../lib/logger.ts';

export interface ServerOptions {
  /** Request errors are logged here; default: fastify logs nothing. */
  logger?: Logger;
}

export function createServer(options: ServerOptions = {}): FastifyInstance {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger.child({ component: 'http' }) } : {}),
    disableRequestLogging: true,
  }) as unknown as FastifyInstance;
  app.get('/healthz', async () => ({ status: 'ok' }));
  return app;
}
