/**
 * `sluice start`: the whole pipeline in one process: the folder producer, the workers and the
 * HTTP server. Local Redis/Elasticsearch are started first (`infra up`) when the configured URLs
 * are local and nothing answers. SIGTERM/SIGINT stop it gracefully: the server stops listening,
 * the watcher stops reading, workers finish their active jobs and the batcher flushes.
 */
import { Command } from 'commander';
import { isLocalUrl } from '../../lib/net.ts';
import type { CommandContext } from '../command-context.ts';
import { SETTING_GROUPS, settingsHelp } from './settings-help.ts';

/** Runs `infra up` when a local service does not answer; a remote one is the operator's job. */
async function ensureServices(context: CommandContext): Promise<void> {
  const config = context.config();
  const { probeElasticsearch, probeRedis } = await import('../../infra/local/service-probes.ts');
  const answers = await Promise.all([
    probeRedis(config.redisUrl).then(
      () => true,
      () => false,
    ),
    probeElasticsearch(config).then(
      () => true,
      () => false,
    ),
  ]);
  const local = isLocalUrl(config.redisUrl) && isLocalUrl(config.elasticsearch.url);
  if (answers.every(Boolean) || !local) return;
  context.logger().info('Starting local Redis/Elasticsearch (sluice infra up).');
  const infra = (await import('./infra.ts')).command(context);
  await infra.parseAsync(['up'], { from: 'user' });
}

export function command(context: CommandContext): Command {
  return new Command('start')
    .description(
      'Run the pipeline: watch the inbox (SLUICE_INBOX), run the workers and the HTTP server ' +
        '(SLUICE_HTTP_HOST:SLUICE_HTTP_PORT), until SIGTERM/SIGINT. Starts local Redis and ' +
        'Elasticsearch first when their local URLs do not answer (`sluice infra down` stops them).',
    )
    .addHelpText('after', () =>
      settingsHelp([
        ...SETTING_GROUPS.producer,
        ...SETTING_GROUPS.server,
        ...SETTING_GROUPS.services,
        ...SETTING_GROUPS.workers,
        'SLUICE_CACHE_DIR',
        'LOG_LEVEL',
      ]),
    )
    .action(async () => {
      await ensureServices(context);
      const { closeWithinBound, shutdownSignal } = await import('../../lib/shutdown.ts');
      const { openPipelineProcess } = await import('../pipeline-process.ts');
      const config = context.config();
      const logger = context.logger();
      const running = await openPipelineProcess(config, logger, { watch: true, listen: 'required' });
      logger.info(
        { address: running.address, inbox: config.inbox, index: config.index },
        'Sluice is running.',
      );

      await shutdownSignal(logger);
      await closeWithinBound(() => running.close(), logger);
      (await import('./infra.ts')).reportLeftRunning(config, logger);
    });
}
