/**
 * What a failure of Redis or Elasticsearch means, in one line that says what to do (issue 16).
 * The clients' own errors carry long messages, nested causes and stacks; they are recognised here
 * by shape (name, code, response body), so lib/ depends on neither client's classes.
 */
import type { Config } from './config.ts';
import { ServiceError, SluiceError } from './errors.ts';
import { redactUrl } from './logger.ts';

/** Socket error codes that mean "nothing answers there (yet)". */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

/** ioredis's words for a connection that is down or given up on. */
const REDIS_DOWN =
  /Connection is closed|Reached the max retries per request|Stream isn't writeable|connect ETIMEDOUT/;

/** Redis's answers to wrong or missing credentials. */
const REDIS_AUTH = /^(WRONGPASS|NOAUTH)|AUTH .*without any password configured|invalid password/i;

/** Elasticsearch client errors that mean no node answered. */
const ELASTICSEARCH_DOWN = new Set(['ConnectionError', 'TimeoutError', 'NoLivingConnectionsError']);

interface ErrorShape {
  name?: string;
  code?: string;
  message?: string;
  meta?: { statusCode?: number; body?: { error?: { type?: string; reason?: string } | string } };
}

const shape = (error: unknown): ErrorShape => (typeof error === 'object' && error !== null ? error : {});

/** The first line of a message, shortened: enough to tell one failure from another. */
function gist(message: string | undefined): string {
  const line = (message ?? '').split('\n')[0]?.trim() ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

/** A Redis connection or credentials failure, or undefined for anything else (a bug, a script error). */
export function redisFailure(error: unknown, redisUrl: string): ServiceError | undefined {
  const { code, message } = shape(error);
  const where = redactUrl(redisUrl);
  if (REDIS_AUTH.test(message ?? '')) {
    return new ServiceError(
      'REDIS_AUTH_FAILED',
      `Redis at ${where} refused the credentials (${gist(message)}); check the user and password in REDIS_URL`,
      { retryable: false, cause: error },
    );
  }
  if ((code && UNREACHABLE_CODES.has(code)) || REDIS_DOWN.test(message ?? '')) {
    return new ServiceError(
      'REDIS_UNREACHABLE',
      `Redis at ${where} does not answer (${code ?? gist(message)}); start it (\`sluice infra up\` for a local URL) or check REDIS_URL`,
      { cause: error },
    );
  }
  return undefined;
}

/** An Elasticsearch failure as one line, or undefined when the error is not the client's. */
export function elasticsearchFailure(
  error: unknown,
  config: Pick<Config, 'elasticsearch' | 'index'>,
): ServiceError | undefined {
  const { name, message, meta } = shape(error);
  const where = redactUrl(config.elasticsearch.url);
  if (name && ELASTICSEARCH_DOWN.has(name)) {
    return new ServiceError(
      'ELASTICSEARCH_UNREACHABLE',
      `Elasticsearch at ${where} does not answer (${gist(message)}); start it (\`sluice infra up\` for a local URL) or check ELASTICSEARCH_URL`,
      { cause: error },
    );
  }
  if (name !== 'ResponseError') return undefined;
  const status = meta?.statusCode;
  const body = meta?.body?.error;
  const type = typeof body === 'object' ? body.type : undefined;
  if (type === 'index_not_found_exception') {
    return new ServiceError(
      'ELASTICSEARCH_INDEX_MISSING',
      `There is no index "${config.index}" in Elasticsearch at ${where}: run \`sluice setup\` (or \`sluice start\`) first, or check SLUICE_INDEX`,
      { retryable: false, cause: error },
    );
  }
  if (status === 401 || status === 403) {
    return new ServiceError(
      'ELASTICSEARCH_AUTH_FAILED',
      `Elasticsearch at ${where} refused the credentials (HTTP ${status}); check ELASTICSEARCH_USERNAME/_PASSWORD or ELASTICSEARCH_API_KEY`,
      { retryable: false, cause: error },
    );
  }
  const reason = typeof body === 'object' ? `${body.type}: ${body.reason}` : gist(String(body ?? message));
  return new ServiceError(
    'ELASTICSEARCH_REQUEST_FAILED',
    `Elasticsearch at ${where} answered HTTP ${status}: ${gist(reason)}`,
    { retryable: status === undefined || status >= 500 || status === 429, cause: error },
  );
}

/** Any failure of a command as a SluiceError when it is one Sluice can explain; undefined for a bug. */
export function explainFailure(
  error: unknown,
  config: Pick<Config, 'redisUrl' | 'elasticsearch' | 'index'> | undefined,
): SluiceError | undefined {
  if (error instanceof SluiceError) return error;
  if (!config) return undefined;
  return elasticsearchFailure(error, config) ?? redisFailure(error, config.redisUrl);
}
