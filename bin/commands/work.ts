/**
 * `sluice work`: the workers only (scale them by running more of these, on any machine), with
 * their HTTP server: `/healthz`, `/readyz` and `/metrics` (and the queue board) on
 * SLUICE_HTTP_HOST:SLUICE_HTTP_PORT, so Prometheus scrapes every worker process.
 */
import { Command } from 'commander';
import type { CommandContext } from '../command-context.ts';
import { SETTING_GROUPS, settingsHelp } from './settings-help.ts';

export function command(context: CommandContext): Command {
  return new Command('work')
    .description(
      'Run the workers (each file one job: extract, dedupe, index, finalize) and their metrics server ' +
        '(SLUICE_HTTP_HOST:SLUICE_HTTP_PORT; a taken port: no server) until SIGTERM/SIGINT.',
    )
    .addHelpText('after', () =>
      settingsHelp([
        ...SETTING_GROUPS.server,
        ...SETTING_GROUPS.services,
        ...SETTING_GROUPS.workers,
        'LOG_LEVEL',
      ]),
    )
    .action(async () => {
      const { closeWithinBound, shutdownSignal } = await import('../../lib/shutdown.ts');
      const { openPipelineProcess } = await import('../pipeline-process.ts');
      const config = context.config();
      const logger = context.logger();
      const running = await openPipelineProcess(config, logger, { listen: 'optional' });
      if (running.address) logger.info({ address: running.address }, 'Worker metrics served.');

      await shutdownSignal(logger);
      await closeWithinBound(() => running.close(), logger);
    });
}
