/**
 * Structured logging. JSON lines by default (for log shippers), pretty only when stderr is a
 * terminal. Secrets are redacted by path, and errors are serialized without the arguments of
 * the Redis command they answer, so no call site has to remember.
 * Naming: a log line is a sentence with fields, e.g. `log.info({ jobId, file }, 'Page cleaned.')`.
 */
import pino, { type Logger, stdSerializers } from 'pino';

export type { Logger } from 'pino';

/** Paths that may carry credentials anywhere in a log line's fields. */
export const REDACTED_PATHS = [
  'password',
  'apiKey',
  'token',
  'authorization',
  '*.password',
  '*.apiKey',
  '*.token',
  '*.authorization',
  'config.elasticsearch.password',
  'config.elasticsearch.apiKey',
  'config.http.token',
  'headers.authorization',
  'req.headers.authorization',
];

/**
 * An error as pino serializes it (type, message, stack, own fields, aggregated errors), with the
 * arguments of any Redis command in it replaced: ioredis attaches the command an error answers,
 * and a refused AUTH's arguments are the user name and the password (issue 13).
 */
export function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  return withoutCommandArguments(stdSerializers.err(error), 0);
}

/**
 * Removes, in place, the arguments of the Redis command an ioredis error carries (a refused
 * AUTH's are the user name and password), so that nothing printing the error whole (Node's
 * report of an uncaught error) shows them. Meant as a connection's first 'error' listener: the
 * commands the connection fails are rejected with the same object.
 */
export function forgetCommandArguments(error: unknown): void {
  const command = (error as { command?: { args?: unknown } } | null)?.command;
  if (command && typeof command === 'object' && 'args' in command) command.args = ['[redacted]'];
}

/** Deep enough for an error's causes and aggregated errors; serialized errors have no cycles. */
const MAX_ERROR_DEPTH = 8;

function withoutCommandArguments(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_ERROR_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item) => withoutCommandArguments(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const isCommand = key === 'command' && child !== null && typeof child === 'object' && 'args' in child;
    copy[key] = isCommand ? { ...child, args: '[redacted]' } : withoutCommandArguments(child, depth + 1);
  }
  return copy;
}

export interface LoggerOptions {
  /** pino level name; default `info`. */
  level?: string;
  /** Pretty, coloured output; default: when stderr is a TTY. */
  pretty?: boolean;
  /** Where lines go; default stderr so stdout stays free for command output. */
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const pretty = options.pretty ?? Boolean(process.stderr.isTTY);
  const base: pino.LoggerOptions = {
    level: options.level ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError, error: serializeError },
    base: { pid: process.pid },
  };
  if (options.destination) return pino(base, options.destination);
  if (pretty) {
    return pino({
      ...base,
      transport: { target: 'pino-pretty', options: { destination: 2, ignore: 'pid,hostname' } },
    });
  }
  return pino(base, pino.destination({ fd: 2, sync: false }));
}

/** Removes credentials from a URL before it is printed or logged. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.username) url.username = '***';
    if (url.password) url.password = '***';
    return url.toString().replace(/\/$/, '');
  } catch {
    return value;
  }
}
