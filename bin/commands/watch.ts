/** `sluice watch`: the folder producer only. */
import { Command } from 'commander';
import type { CommandContext } from '../command-context.ts';

export function command(context: CommandContext): Command {
  return new Command('watch')
    .description('Watch SLUICE_INBOX and queue every file dropped there, until SIGTERM/SIGINT.')
    .action(async () => {
      const { closeWithinBound, shutdownSignal } = await import('../../lib/shutdown.ts');
      const { watchInbox } = await import('../../producers/folder-watcher/watch-inbox.ts');
      const logger = context.logger();
      const watching = await watchInbox(context.config(), logger);
      await shutdownSignal(logger);
      await closeWithinBound(() => watching.close(), logger);
    });
}
