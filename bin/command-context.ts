/**
 * What every `sluice` sub-command gets from the program that assembles them (bin/cli.ts): lazily
 * loaded configuration and logger, and where its output goes. Commands import only this type,
 * never cli.ts, so the command modules and the program form no import circle.
 */
import type { Config } from '../lib/config.ts';
import type { Logger } from '../lib/logger.ts';

export interface CommandContext {
  /** Validated configuration; loading it is deferred until a command runs. */
  config(): Config;
  logger(): Logger;
  /** Where command output goes (stdout); logs go to stderr. */
  out: NodeJS.WritableStream;
}
