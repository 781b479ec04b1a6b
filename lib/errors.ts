/**
 * One error hierarchy for the whole pipeline. Every error has a stable `code` (logged, written
 * to `<name>.error.json`, counted in metrics), the file it concerns when there is one, and
 * whether retrying can help: permanent errors never burn retries.
 */
export interface SluiceErrorOptions {
  /** The input file this error concerns, if any. */
  file?: string;
  /** True when the same work may succeed later (network, a service restarting). */
  retryable?: boolean;
  cause?: unknown;
}

export class SluiceError extends Error {
  readonly code: string;
  readonly file?: string;
  readonly retryable: boolean;

  constructor(code: string, message: string, options: SluiceErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.file = options.file;
    this.retryable = options.retryable ?? false;
  }

  toJSON(): { code: string; message: string; file?: string; retryable: boolean } {
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

export type InputErrorCode =
  | 'INPUT_EMPTY'
  | 'INPUT_BINARY'
  | 'INPUT_TOO_LARGE'
  | 'INPUT_UNREADABLE'
  | 'INPUT_NOT_A_FILE'
  | 'INPUT_OUTSIDE_INBOX'
  | 'INPUT_MALFORMED'
  | 'INPUT_NO_ARTICLES';

/** Redis, Elasticsearch or Kibana did not answer, or answered with a failure. */
export class ServiceError extends SluiceError {
  constructor(
    code: `${'REDIS' | 'ELASTICSEARCH' | 'KIBANA'}_${string}`,
    message: string,
    options: SluiceErrorOptions = {},
  ) {
    super(code, message, { retryable: true, ...options });
  }
}

/** Anything thrown, as a SluiceError, so every failure has a code. */
export function asSluiceError(error: unknown, file?: string): SluiceError {
  if (error instanceof SluiceError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new SluiceError('INTERNAL', message, { file, retryable: true, cause: error });
}
