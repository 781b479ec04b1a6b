/**
 * The `sluice` command line. Each sub-command is a module of bin/commands/ that exports
 * `command(context)`; this file only assembles them. Command modules import heavy
 * dependencies inside their actions so `--help` stays fast.
 */
import { Command, CommanderError } from 'commander';
import { type Config, loadConfig } from '../lib/config.ts';
import { SluiceError } from '../lib/errors.ts';
import { createLogger, type Logger } from '../lib/logger.ts';
import type { CommandContext } from './command-context.ts';

type CommandModule = { command(context: CommandContext): Command };

const COMMAND_MODULES: Array<() => Promise<CommandModule>> = [
  () => import('./commands/infra.ts'),
  () => import('./commands/doctor.ts'),
  () => import('./commands/extract.ts'),
  () => import('./commands/start.ts'),
  () => import('./commands/watch.ts'),
  () => import('./commands/ingest.ts'),
  () => import('./commands/work.ts'),
  () => import('./commands/setup.ts'),
  () => import('./commands/search.ts'),
  () => import('./commands/audit.ts'),
  () => import('./commands/reindex.ts'),
];

export async function main(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  let config: Config | undefined;
  let logger: Logger | undefined;
  const context: CommandContext = {
    config: () => {
      config ??= loadConfig();
      return config;
    },
    logger: () => {
      logger ??= createLogger({ level: context.config().logLevel });
      return logger;
    },
    out,
  };

  const program = new Command('sluice')
    .description('Turn a folder of scraped news pages into a clean, deduplicated search index.')
    .version(process.env.npm_package_version ?? '0.1.0')
    .showHelpAfterError()
    .exitOverride();
  for (const load of COMMAND_MODULES) program.addCommand((await load()).command(context));
  // Sub-commands do not inherit these; without exitOverride a bad argument would call
  // process.exit instead of returning a status from main (and kill in-process tests).
  const inheritExitBehaviour = (parent: Command) => {
    for (const child of parent.commands) {
      child.exitOverride().showHelpAfterError();
      inheritExitBehaviour(child);
    }
  };
  inheritExitBehaviour(program);

  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof SluiceError) {
      process.stderr.write(`sluice: ${error.message}\n`);
      return error.code === 'CONFIG_INVALID' ? 78 : 1; // 78: EX_CONFIG from sysexits.h
    }
    throw error;
  } finally {
    logger?.flush();
  }
}
