/**
 * One error hierarchy for the whole pipeline. Every error has a stable `code` (logged, written
 * to `<name>.error.json`, counted in metrics), the file it concerns when there is one, and
 * whether retrying can help: permanent errors never burn retries.
 */
/**
 * Every error code, with what it means: the one list. A code is stable: it is logged, written to
 * `<name>.error.json`, counted in metrics and matched by operators. `INPUT_*` codes are bad input
 * (never retried); service codes are retried unless said otherwise.
 */
export const ERROR_CODES = {
  CONFIG_INVALID: 'A setting is missing or malformed; the message names the variable.',
  INPUT_EMPTY: 'The file is empty (or only white space).',
  INPUT_BINARY: 'The file is binary, or text with NUL bytes.',
  INPUT_TOO_LARGE: 'The file is over SLUICE_MAX_FILE_BYTES.',
  INPUT_UNREADABLE: 'The file could not be read.',
  INPUT_NOT_A_FILE: 'The path is not a regular file.',
  INPUT_OUTSIDE_INBOX:
    'The path leads outside the inbox (a symbolic or hard link, or a job naming a file elsewhere).',
  INPUT_MALFORMED: 'Malformed JSON, or a job payload that does not match the queue contract.',
  INPUT_NO_ARTICLES: 'No article was found in the page.',
  INPUT_CHANGED: 'The file changed after it was queued: that content was superseded by what it holds now.',
  INPUT_TOO_COMPLEX: 'Extraction ran over SLUICE_EXTRACT_TIME_LIMIT_MS (deep nesting, say).',
  INPUT_TOO_LARGE_IN_MEMORY: 'Extraction needed more heap than SLUICE_EXTRACT_HEAP_MB (an entity bomb, say).',
  INPUT_TOO_DEEP: 'The page nests too deeply to extract (a stack overflow).',
  FILE_MOVE_FAILED: 'A settled file could not be moved into done/ or failed/; it stays in the inbox.',
  DEDUPE_FAILED: "An article's dedupe job gave up.",
  DEDUPE_MISSING: 'An index job found no article id from its dedupe job (retried).',
  REDIS_UNREACHABLE: 'Redis does not answer at REDIS_URL.',
  REDIS_UNAVAILABLE: 'Redis did not answer a command.',
  REDIS_DEDUPE_FAILED: 'The near-duplicate claim script failed in Redis.',
  REDIS_START_FAILED: 'The local Redis (infra up) did not start.',
  ELASTICSEARCH_UNREACHABLE: 'Elasticsearch does not answer at ELASTICSEARCH_URL.',
  ELASTICSEARCH_UNAVAILABLE: 'Elasticsearch kept failing a bulk request until the batcher gave up.',
  ELASTICSEARCH_BULK_FAILED: 'A bulk request failed as a whole.',
  ELASTICSEARCH_REJECTED: 'Elasticsearch rejected a document for good (mapping, size).',
  ELASTICSEARCH_CONFLICT: 'A document kept changing under its merge until the batcher gave up.',
  ELASTICSEARCH_CLOSED: 'The bulk batcher was closed before the document was sent.',
  ELASTICSEARCH_LOOKUP_FAILED:
    'The dedupe stage could not read the lasting record of articles Redis no longer has.',
  ELASTICSEARCH_SETUP_FAILED: 'The index template, index or alias could not be created.',
  ELASTICSEARCH_REINDEX_RUNNING: 'Another `sluice reindex` of the same alias holds its lock.',
  ELASTICSEARCH_REINDEX_INCOMPLETE:
    'Files failed during a reindex, so the alias was not swapped (run it again to retry them).',
  ELASTICSEARCH_INDEX_CONFLICT: 'A different index or alias already holds the configured name.',
  ELASTICSEARCH_INDEX_MISSING:
    'The alias SLUICE_INDEX does not exist (the index was deleted); retried until setup creates it.',
  ELASTICSEARCH_START_FAILED: 'The local Elasticsearch (infra up) did not start.',
  KIBANA_UNREACHABLE: 'Kibana does not answer at KIBANA_URL.',
  KIBANA_IMPORT_FAILED: "Kibana refused the saved objects' import.",
  REDIS_AUTH_FAILED: 'Redis refused the user or password in REDIS_URL.',
  ELASTICSEARCH_AUTH_FAILED: 'Elasticsearch refused the credentials (HTTP 401 or 403).',
  ELASTICSEARCH_REQUEST_FAILED: 'Elasticsearch answered a request with an error.',
  HTTP_PORT_TAKEN: 'SLUICE_HTTP_HOST:SLUICE_HTTP_PORT is already in use (another Sluice process?).',
  JAVA_NOT_FOUND: 'No JDK 21 or newer (with javac) for the local Elasticsearch.',
  TOOL_MISSING: 'A program the local services need is missing and could not be installed.',
  PLUGIN_BUILD_FAILED: "The local node's dev shims plugin did not build.",
  DOWNLOAD_FAILED: 'A download answered with an HTTP error.',
  DOWNLOAD_CORRUPT: 'A download does not match its checksum.',
  DOWNLOAD_UNVERIFIED: 'A download has no known checksum to verify it against.',
  CONNECTION_LOST: 'A connection to Redis or Elasticsearch failed or was refused; retried.',
  INTERNAL: 'Anything else: a bug, never retried; its stack is in the failure report.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface SluiceErrorOptions {
  /** The input file this error concerns, if any. */
  file?: string;
  /** True when the same work may succeed later (network, a service restarting). */
  retryable?: boolean;
  cause?: unknown;
}

export class SluiceError extends Error {
  readonly code: ErrorCode;
  readonly file?: string;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: SluiceErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.file = options.file;
    this.retryable = options.retryable ?? false;
  }

  toJSON(): { code: ErrorCode; message: string; file?: string; retryable: boolean } {
    return { code: this.code, message: this.message, file: this.file, retryable: this.retryable };
  }
}

/** A setting is missing or malformed; the message names the variable. */
export class ConfigError extends SluiceError {
  constructor(message: string) {
    super('CONFIG_INVALID', message);
  }
}

/** The input cannot be turned into articles: retrying the same bytes gives the same answer. */
export class InputError extends SluiceError {
  constructor(code: InputErrorCode, message: string, options: Omit<SluiceErrorOptions, 'retryable'> = {}) {
    super(code, message, { ...options, retryable: false });
  }
}

export type InputErrorCode = Extract<ErrorCode, `INPUT_${string}`>;

/** Redis, Elasticsearch or Kibana did not answer, or answered with a failure. */
export class ServiceError extends SluiceError {
  constructor(
    code: Extract<ErrorCode, `${'REDIS' | 'ELASTICSEARCH' | 'KIBANA'}_${string}`>,
    message: string,
    options: SluiceErrorOptions = {},
  ) {
    super(code, message, { retryable: true, ...options });
  }
}

/** System error codes of a connection that failed: the service may be back later. */
const CONNECTION_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/** ioredis's own words for a connection that is gone or not ready, and Redis replies that pass. */
const CONNECTION_MESSAGE =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|Connection is closed|Stream isn't writeable|MaxRetriesPerRequest|^(LOADING|BUSY|TRYAGAIN|CLUSTERDOWN|MASTERDOWN|READONLY|OOM) /;

/**
 * Anything thrown, as a SluiceError, so every failure has a code. A lost connection is
 * CONNECTION_LOST (retried); anything else unknown is INTERNAL, a bug, which no retry fixes: it
 * fails at once, its stack kept as the cause.
 */
export function asSluiceError(error: unknown, file?: string): SluiceError {
  if (error instanceof SluiceError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  if ((errno && CONNECTION_ERRNOS.has(errno)) || CONNECTION_MESSAGE.test(message)) {
    return new SluiceError('CONNECTION_LOST', message, { file, retryable: true, cause: error });
  }
  return new SluiceError('INTERNAL', message, { file, retryable: false, cause: error });
}
