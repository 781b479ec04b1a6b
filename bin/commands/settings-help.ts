/**
 * The settings a long-running command reads, listed under its `--help` with the values this run
 * would use (issue 16): a new user sees which inbox is watched and which port is served before
 * starting anything. URLs are shown without their credentials.
 */
import { type Config, loadConfig } from '../../lib/config.ts';
import { redactUrl } from '../../lib/logger.ts';

/** Each setting with what it does and where its value sits in the config. */
const SETTINGS: Record<string, { meaning: string; value: (config: Config) => unknown }> = {
  SLUICE_INBOX: { meaning: 'the watched folder (done/ and failed/ inside it)', value: (c) => c.inbox },
  SLUICE_HTTP_HOST: {
    meaning: 'dashboard, /metrics and /healthz',
    value: (c) => `${c.http.host}:${c.http.port}`,
  },
  SLUICE_HTTP_PORT: { meaning: '(with SLUICE_HTTP_HOST above; 0: any free port)', value: (c) => c.http.port },
  SLUICE_HTTP_TOKEN: { meaning: 'demanded beyond loopback', value: (c) => (c.http.token ? 'set' : 'unset') },
  REDIS_URL: {
    meaning: 'queues, file ledger, dedupe index (redis+cluster://: a Redis Cluster)',
    value: (c) => redactUrl(c.redisUrl),
  },
  ELASTICSEARCH_URL: {
    meaning: 'where articles are indexed (nodes, comma-separated)',
    value: (c) => (c.elasticsearch.nodes ?? [c.elasticsearch.url]).map(redactUrl).join(','),
  },
  KIBANA_URL: {
    meaning: 'saved objects imported when set',
    value: (c) => (c.kibanaUrl ? redactUrl(c.kibanaUrl) : 'unset'),
  },
  SLUICE_INDEX: { meaning: 'the alias searched', value: (c) => c.index },
  SLUICE_INDEX_SHARDS: { meaning: 'primaries of a new index', value: (c) => c.indexShards.primaries },
  SLUICE_INDEX_REPLICAS: { meaning: 'replicas of each primary', value: (c) => c.indexShards.replicas },
  SLUICE_QUEUE_PREFIX: { meaning: 'prefix of every Redis key', value: (c) => c.queuePrefix },
  SLUICE_PARTITIONS: {
    meaning: 'queues the files are spread over (Redis Cluster)',
    value: (c) => c.partitions,
  },
  SLUICE_MAX_FILE_BYTES: { meaning: 'larger files are refused', value: (c) => c.maxFileBytes },
  SLUICE_MAX_QUEUE_DEPTH: { meaning: 'the producer pauses above it', value: (c) => c.maxQueueDepth },
  SLUICE_CONCURRENCY: { meaning: 'files at once per worker process', value: (c) => c.concurrency },
  SLUICE_EXTRACT_CONCURRENCY: {
    meaning: 'extraction threads per worker process',
    value: (c) => c.extract.threads,
  },
  SLUICE_EXTRACT_TIME_LIMIT_MS: {
    meaning: 'a file over it fails (INPUT_TOO_COMPLEX)',
    value: (c) => c.extract.timeMs,
  },
  SLUICE_LEARN_CHROME: {
    meaning: 'learn lines repeated on many pages as chrome',
    value: (c) => (c.learnChrome ? 'on' : 'off'),
  },
  SLUICE_SPOOL_DIR: { meaning: 'where stdin input is kept', value: (c) => c.spoolDir },
  SLUICE_CACHE_DIR: { meaning: 'local Redis/Elasticsearch files (start)', value: (c) => c.cacheDir },
  LOG_LEVEL: { meaning: '', value: (c) => c.logLevel },
};

export type SettingName = keyof typeof SETTINGS;

/** What each part of a process reads, so `start` (all of them), `work` and `watch` list the same names. */
export const SETTING_GROUPS = {
  server: ['SLUICE_HTTP_HOST', 'SLUICE_HTTP_PORT', 'SLUICE_HTTP_TOKEN'],
  services: [
    'REDIS_URL',
    'ELASTICSEARCH_URL',
    'KIBANA_URL',
    'SLUICE_INDEX',
    'SLUICE_QUEUE_PREFIX',
    'SLUICE_PARTITIONS',
  ],
  producer: ['SLUICE_INBOX', 'SLUICE_MAX_FILE_BYTES', 'SLUICE_MAX_QUEUE_DEPTH'],
  workers: [
    'SLUICE_CONCURRENCY',
    'SLUICE_EXTRACT_CONCURRENCY',
    'SLUICE_EXTRACT_TIME_LIMIT_MS',
    'SLUICE_INDEX_SHARDS',
    'SLUICE_INDEX_REPLICAS',
    'SLUICE_LEARN_CHROME',
  ],
} as const satisfies Record<string, readonly SettingName[]>;

/** Help text: each setting, the value this run would use, and what it does. */
export function settingsHelp(names: readonly SettingName[]): string {
  let config: Config;
  let note = '';
  try {
    config = loadConfig();
  } catch (error) {
    config = loadConfig({});
    note = `\n(Shown with the defaults: ${(error as Error).message.split('\n')[0]})`;
  }
  const rows = names.map((name) => {
    const setting = SETTINGS[name];
    const value = String(setting?.value(config));
    return `  ${name.padEnd(27)} ${value.padEnd(26)} ${setting?.meaning ?? ''}`.trimEnd();
  });
  return `\nSettings it reads (environment variables; the README's "Configuration" has them all):\n${rows.join('\n')}${note}\n`;
}
