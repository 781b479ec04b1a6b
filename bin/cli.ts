/**
 * The `sluice` command line. Each sub-command is a module of bin/commands/ that exports
 * `command(context)`; this file only assembles them. Command modules import heavy
 * dependencies inside their actions so `--help` stays fast.
 */
import { Command, CommanderError } from 'commander';
import { type Config, loadConfig } from '../lib/config.ts';
import type { ErrorCode } from '../lib/errors.ts';
import { createLogger, type Logger } from '../lib/logger.ts';
import { explainFailure } from '../lib/service-failures.ts';
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
    // One line per problem, saying what to do (issue 16); the stack only when asked for.
    const failure = explainFailure(error, config);
    if (!failure) {
      process.stderr.write(`sluice: unexpected error: ${(error as Error)?.message ?? String(error)}\n`);
      if (['debug', 'trace'].includes(process.env.LOG_LEVEL ?? ''))
        process.stderr.write(`${(error as Error)?.stack}\n`);
      else process.stderr.write('sluice: LOG_LEVEL=debug prints its stack trace.\n');
      return 70; // EX_SOFTWARE
    }
    process.stderr.write(`sluice: ${failure.message}\n`);
    return exitCode(failure.code);
  } finally {
    logger?.flush();
  }
}

/** Exit codes from sysexits.h, so scripts and supervisors can tell what went wrong. */
export function exitCode(code: ErrorCode): number {
  if (code === 'CONFIG_INVALID') return 78; // EX_CONFIG
  if (code.endsWith('_AUTH_FAILED')) return 77; // EX_NOPERM
  if (code.endsWith('_UNREACHABLE')) return 69; // EX_UNAVAILABLE
  return 1;
}
