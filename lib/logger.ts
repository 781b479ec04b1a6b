/**
 * Structured logging. JSON lines by default (for log shippers), pretty only when stderr is a
 * terminal. Secrets are redacted by path so no call site has to remember.
 * Naming: a log line is a sentence with fields, e.g. `log.info({ jobId, file }, 'Page cleaned.')`.
 */
import pino, { type Logger } from 'pino';

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
