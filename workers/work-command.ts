/** `sluice work`: the workers only (scale them by running more of these, on any machine). */
import { Command } from 'commander';
import type { CommandContext } from '../lib/cli.ts';

export function command(context: CommandContext): Command {
  return new Command('work')
    .description('Run the extract, dedupe, index and finalize workers until SIGTERM/SIGINT.')
    .action(async () => {
      const { shutdownSignal } = await import('../lib/shutdown.ts');
      const { startWorkerProcess } = await import('./run-workers.ts');
      const logger = context.logger();
      const worker = await startWorkerProcess(context.config(), logger);
      await shutdownSignal(logger);
      await worker.close();
    });
}
