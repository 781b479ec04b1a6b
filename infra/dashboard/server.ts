/**
 * The HTTP app of `sluice start`: `/healthz` (the process is up and serving) here; the dashboard,
 * readiness and metrics are installed on top by workers/dashboard/dashboard.ts. Building the app
 * is apart from listening and signals (the process shell in start-command.ts), so tests build it
 * with `inject` and no port.
 */
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { Logger } from '../../lib/logger.ts';

export interface ServerOptions {
  /** Request errors are logged here; default: fastify logs nothing. */
  logger?: Logger;
}

export function createServer(options: ServerOptions = {}): FastifyInstance {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger.child({ component: 'http' }) } : {}),
    logController: new LogController({ disableRequestLogging: true }),
    // Limits: the board's largest request (a job's edited data) is far below 1 MiB; a client
    // that trickles a request for longer than 30 s is cut off rather than holding a socket.
    bodyLimit: 1024 * 1024,
    requestTimeout: 30_000,
  }) as unknown as FastifyInstance;
  app.get('/healthz', async () => ({ status: 'ok' }));
  return app;
}
