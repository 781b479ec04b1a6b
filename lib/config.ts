/**
 * The one configuration module. Every setting comes from the environment (or, for secrets,
 * from a file named by `<NAME>_FILE`), is validated once at start-up and frozen.
 * Each setting is documented in the README's "Configuration" table; keep the two in step.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors.ts';

const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `expected a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

const positiveInt = (min = 1) =>
  z.coerce
    .number({ message: 'expected a whole number' })
    .int({ message: 'expected a whole number' })
    .min(min, { message: `expected a whole number >= ${min}` });

/** Milliseconds per unit of a duration setting. */
const DURATION_UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Milliseconds as a duration setting would write them: the largest unit that divides them (`30s`). */
export function formatDuration(ms: number): string {
  const units = Object.entries(DURATION_UNITS).reverse();
  const [unit, size] = units.find(([, size]) => ms % size === 0) ?? ['ms', 1];
  return `${ms / size}${unit}`;
}

/** A duration such as `500ms`, `30s`, `15m`, `12h` or `7d`, in milliseconds. */
const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)$/, { message: 'expected a whole number and a unit: ms, s, m, h or d (e.g. 7d)' })
  .transform((value) => {
    const [, amount, unit] = /^(\d+)(ms|s|m|h|d)$/.exec(value) as unknown as [
      string,
      string,
      keyof typeof DURATION_UNITS,
    ];
    return Number(amount) * DURATION_UNITS[unit];
  })
  .refine((ms) => ms >= 1000, { message: 'expected at least 1s' });

/** One URL, or several separated by commas (the nodes of one cluster); an error names the one by position. */
const urlList = (protocols: string[]) =>
  z
    .string()
    .transform((value) => value.split(',').map((part) => part.trim()))
    .pipe(z.array(url(protocols)));

/** Shards of a new articles index: one primary, and one replica of it (Elasticsearch's own default). */
export const DEFAULT_INDEX_SHARDS = { primaries: 1, replicas: 1 } as const;

/** Names that are safe inside Redis keys and Elasticsearch index names alike. */
const identifier = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, {
  message: 'expected 1-64 lowercase letters, digits, "-" or "_", starting with a letter or digit',
});

const schema = z.object({
  REDIS_URL: url(['redis:', 'rediss:', 'redis+cluster:', 'rediss+cluster:']).default(
    'redis://127.0.0.1:6379',
  ),
  ELASTICSEARCH_URL: urlList(['http:', 'https:']).default(['http://127.0.0.1:9200']),
  ELASTICSEARCH_USERNAME: z.string().min(1).optional(),
  ELASTICSEARCH_PASSWORD: z.string().min(1).optional(),
  ELASTICSEARCH_API_KEY: z.string().min(1).optional(),
  KIBANA_URL: url(['http:', 'https:']).optional(),
  SLUICE_INDEX: identifier.default('articles'),
  SLUICE_INDEX_SHARDS: positiveInt()
    .max(1024, { message: 'expected a whole number <= 1024' })
    .default(DEFAULT_INDEX_SHARDS.primaries),
  SLUICE_INDEX_REPLICAS: positiveInt(0).default(DEFAULT_INDEX_SHARDS.replicas),
  SLUICE_QUEUE_PREFIX: identifier.default('sluice'),
  SLUICE_INBOX: z.string().min(1).default('./inbox'),
  SLUICE_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  SLUICE_HTTP_PORT: positiveInt(0).max(65535, { message: 'expected a port number <= 65535' }).default(8080),
  SLUICE_HTTP_TOKEN: z.string().min(16, { message: 'expected at least 16 characters' }).optional(),
  SLUICE_BOARD_ACTIONS: z.enum(['on', 'off'], { message: 'expected "on" or "off"' }).default('off'),
  SLUICE_MAX_FILE_BYTES: positiveInt().default(20 * 1024 * 1024),
  SLUICE_CONCURRENCY: positiveInt().default(64),
  SLUICE_EXTRACT_CONCURRENCY: positiveInt().default(availableParallelism()),
  SLUICE_EXTRACT_TIME_LIMIT_MS: positiveInt(100).default(30_000),
  SLUICE_EXTRACT_HEAP_MB: positiveInt(64).default(512),
  SLUICE_LEARN_CHROME: z.enum(['on', 'off'], { message: 'expected "on" or "off"' }).default('on'),
  SLUICE_MAX_QUEUE_DEPTH: positiveInt().default(5000),
  SLUICE_SPOOL_DIR: z.string().min(1).optional(),
  SLUICE_DEDUP_WINDOW: duration.default(7 * DURATION_UNITS.d),
  SLUICE_PARTITIONS: positiveInt().max(64, { message: 'expected a whole number <= 64' }).default(1),
  SLUICE_CACHE_DIR: z
    .string()
    .min(1)
    .default(resolve(homedir(), '.cache', 'sluice')),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type RawConfig = z.infer<typeof schema>;

export interface Config {
  readonly redisUrl: string;
  readonly elasticsearch: {
    /** The first node of `nodes`: the one probes and messages name. */
    readonly url: string;
    /**
     * Every node the client may send requests to, `url` first (ELASTICSEARCH_URL, comma-separated);
     * unset: `url` alone. lib/connections.ts's elasticsearchNodes reads it.
     */
    readonly nodes?: readonly string[];
    readonly username?: string;
    readonly password?: string;
    readonly apiKey?: string;
  };
  readonly kibanaUrl?: string;
  /** The alias people search; the concrete index behind it is `<index>-v1`. */
  readonly index: string;
  /**
   * Shards of each concrete index the template creates: primaries (fixed once the index exists;
   * a new count takes a reindex to `-v<N+1>`) and replicas of each primary.
   */
  readonly indexShards: { readonly primaries: number; readonly replicas: number };
  /** Prefix of every Redis key Sluice writes, wrapped in a hash tag for Redis Cluster. */
  readonly queuePrefix: string;
  readonly inbox: string;
  readonly http: {
    readonly host: string;
    readonly port: number;
    readonly token?: string;
    /** The queue board's actions (retry, clean, add, edit, delete); off: read-only. Needs the token. */
    readonly boardActions: boolean;
  };
  /** Largest file a producer accepts, in bytes. */
  readonly maxFileBytes: number;
  /** Files one worker process works on at once (their jobs mostly wait on Redis and the shared bulk requests). */
  readonly concurrency: number;
  /** Extract threads per worker process, and what one file may cost its thread before it fails (workers/extract/extract-sandbox.ts). */
  readonly extract: { readonly threads: number; readonly timeMs: number; readonly heapMb: number };
  /** Learn the chrome a site repeats on its pages and leave it out of articles (workers/extract/chrome-store.ts). */
  readonly learnChrome: boolean;
  /** Producers pause while more than this many jobs wait in the first queue. */
  readonly maxQueueDepth: number;
  /**
   * How long Redis remembers articles (the near-duplicate index) and settled files (the ledger), in
   * ms; older ones are found again through Elasticsearch (workers/dedupe/lasting-record.ts).
   */
  readonly dedupWindowMs: number;
  /**
   * Queues (and file ledgers) the pipeline's files are spread over by content hash, each under a
   * hash tag of its own so a Redis Cluster puts them on different masters (lib/keys.ts); 1: one.
   */
  readonly partitions: number;
  /** Where stdin input is kept (named by its hash), as the inbox keeps files: `<inbox>/.spool` by default. */
  readonly spoolDir: string;
  /** Downloads and data of the local Elasticsearch/Redis started by `sluice infra up`. */
  readonly cacheDir: string;
  readonly logLevel: RawConfig['LOG_LEVEL'];
}

/** The board's actions can move and delete any job: they are never open without the token. */
export const BOARD_ACTIONS_NEED_TOKEN =
  'SLUICE_BOARD_ACTIONS: "on" needs SLUICE_HTTP_TOKEN (the board\'s actions edit and delete jobs); set a token, or leave the board read-only';

/** Settings that hold secrets may instead name a file: `ELASTICSEARCH_PASSWORD_FILE=/run/secrets/es`. */
const SECRET_SETTINGS = ['ELASTICSEARCH_PASSWORD', 'ELASTICSEARCH_API_KEY', 'SLUICE_HTTP_TOKEN'] as const;

function readSecretFiles(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const merged = { ...env };
  for (const name of SECRET_SETTINGS) {
    const file = env[`${name}_FILE`];
    if (!file || env[name]) continue;
    try {
      merged[name] = readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new ConfigError(`${name}_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code})`);
    }
  }
  return merged;
}

/**
 * Reads and validates the configuration. Throws a `ConfigError` whose message has one line
 * per bad setting, naming the variable and what was expected (never echoing a secret).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const withSecrets = readSecretFiles(env);
  // An empty variable means "unset", as in most shells' `FOO= cmd`.
  const present = Object.fromEntries(Object.entries(withSecrets).filter(([, value]) => value !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(lines.join('\n'));
  }
  const raw = parsed.data;
  if (raw.SLUICE_BOARD_ACTIONS === 'on' && !raw.SLUICE_HTTP_TOKEN)
    throw new ConfigError(BOARD_ACTIONS_NEED_TOKEN);
  if (raw.ELASTICSEARCH_PASSWORD && !raw.ELASTICSEARCH_USERNAME) {
    throw new ConfigError('ELASTICSEARCH_PASSWORD: set ELASTICSEARCH_USERNAME as well');
  }
  return deepFreeze({
    redisUrl: raw.REDIS_URL,
    elasticsearch: {
      url: raw.ELASTICSEARCH_URL[0] as string,
      nodes: raw.ELASTICSEARCH_URL,
      username: raw.ELASTICSEARCH_USERNAME,
      password: raw.ELASTICSEARCH_PASSWORD,
      apiKey: raw.ELASTICSEARCH_API_KEY,
    },
    kibanaUrl: raw.KIBANA_URL,
    index: raw.SLUICE_INDEX,
    indexShards: { primaries: raw.SLUICE_INDEX_SHARDS, replicas: raw.SLUICE_INDEX_REPLICAS },
    queuePrefix: raw.SLUICE_QUEUE_PREFIX,
    inbox: resolve(raw.SLUICE_INBOX),
    http: {
      host: raw.SLUICE_HTTP_HOST,
      port: raw.SLUICE_HTTP_PORT,
      token: raw.SLUICE_HTTP_TOKEN,
      boardActions: raw.SLUICE_BOARD_ACTIONS === 'on',
    },
    maxFileBytes: raw.SLUICE_MAX_FILE_BYTES,
    concurrency: raw.SLUICE_CONCURRENCY,
    extract: {
      threads: raw.SLUICE_EXTRACT_CONCURRENCY,
      timeMs: raw.SLUICE_EXTRACT_TIME_LIMIT_MS,
      heapMb: raw.SLUICE_EXTRACT_HEAP_MB,
    },
    learnChrome: raw.SLUICE_LEARN_CHROME === 'on',
    maxQueueDepth: raw.SLUICE_MAX_QUEUE_DEPTH,
    dedupWindowMs: raw.SLUICE_DEDUP_WINDOW,
    partitions: raw.SLUICE_PARTITIONS,
    spoolDir: resolve(raw.SLUICE_SPOOL_DIR ?? join(raw.SLUICE_INBOX, '.spool')),
    cacheDir: resolve(raw.SLUICE_CACHE_DIR),
    logLevel: raw.LOG_LEVEL,
  });
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (child && typeof child === 'object') deepFreeze(child);
  }
  return Object.freeze(value);
}
