/** `sluice watch`: the folder producer only. */
import { Command } from 'commander';
import type { CommandContext } from '../command-context.ts';
import { SETTING_GROUPS, settingsHelp } from './settings-help.ts';

export function command(context: CommandContext): Command {
  return new Command('watch')
    .description('Watch the inbox (SLUICE_INBOX) and queue every file dropped there, until SIGTERM/SIGINT.')
    .addHelpText('after', () =>
      settingsHelp([
        ...SETTING_GROUPS.producer,
        'REDIS_URL',
        'SLUICE_QUEUE_PREFIX',
        'SLUICE_SPOOL_DIR',
        'LOG_LEVEL',
      ]),
    )
    .action(async () => {
      const { closeWithinBound, shutdownSignal } = await import('../../lib/shutdown.ts');
      const { watchInbox } = await import('../../producers/folder-watcher/watch-inbox.ts');
      const logger = context.logger();
      const watching = await watchInbox(context.config(), logger);
      await shutdownSignal(logger);
      await closeWithinBound(() => watching.close(), logger);
    });
}
