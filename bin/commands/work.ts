/**
 * `sluice work`: the workers only (scale them by running more of these, on any machine), with
 * their HTTP server: `/healthz`, `/readyz` and `/metrics` (and the queue board) on
 * SLUICE_HTTP_HOST:SLUICE_HTTP_PORT, so Prometheus scrapes every worker process.
 */
import { Command } from 'commander';
import type { CommandContext } from '../command-context.ts';

export function command(context: CommandContext): Command {
  return new Command('work')
    .description(
      'Run the extract, dedupe, index and finalize workers and their metrics server until SIGTERM/SIGINT.',
    )
    .action(async () => {
      const { shutdownSignal } = await import('../../lib/shutdown.ts');
      const { openPipelineProcess } = await import('../pipeline-process.ts');
      const config = context.config();
      const logger = context.logger();
      const running = await openPipelineProcess(config, logger);
      try {
        const address = await running.dashboard?.app.listen({
          host: config.http.host,
          port: config.http.port,
        });
        logger.info({ address }, 'Worker metrics served.');
      } catch (error) {
        // Several workers on one machine share its ports: one without a server still works.
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
        logger.warn(
          { port: config.http.port },
          'SLUICE_HTTP_PORT is taken (another Sluice process?); this worker serves no metrics. Give each worker its own port (or 0) to scrape it.',
        );
      }

      await shutdownSignal(logger);
      await running.close();
    });
}
