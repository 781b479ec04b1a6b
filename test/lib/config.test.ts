import { describe, expect, it } from 'vitest';
import { formatDuration, loadConfig } from '../../lib/config.ts';
import { elasticsearchNodes } from '../../lib/connections.ts';
import { ConfigError } from '../../lib/errors.ts';

describe('loadConfig', () => {
  it('gives documented defaults for an empty environment', () => {
    const config = loadConfig({ SLUICE_CACHE_DIR: '/tmp/sluice-cache' });
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.elasticsearch.url).toBe('http://127.0.0.1:9200');
    expect(config.index).toBe('articles');
    expect(config.queuePrefix).toBe('sluice');
    expect(config.maxFileBytes).toBe(20 * 1024 * 1024);
    expect(Object.isFrozen(config.elasticsearch)).toBe(true);
  });

  it('learns chrome unless SLUICE_LEARN_CHROME is off', () => {
    expect(loadConfig({}).learnChrome).toBe(true);
    expect(loadConfig({ SLUICE_LEARN_CHROME: 'off' }).learnChrome).toBe(false);
    expect(() => loadConfig({ SLUICE_LEARN_CHROME: 'no' })).toThrow(
      new ConfigError('SLUICE_LEARN_CHROME: expected "on" or "off"'),
    );
  });

  it('names the variable and what was expected when a value is wrong', () => {
    expect(() => loadConfig({ REDIS_URL: 'nonsense' })).toThrow(
      new ConfigError(
        'REDIS_URL: expected a URL starting with redis:// or rediss:// or redis+cluster:// or rediss+cluster://',
      ),
    );
  });

  it('takes a Redis Cluster node as redis+cluster://, and SLUICE_PARTITIONS from 1 to 64', () => {
    expect(loadConfig({ REDIS_URL: 'redis+cluster://10.0.0.5:7000' }).redisUrl).toBe(
      'redis+cluster://10.0.0.5:7000',
    );
    expect(loadConfig({}).partitions).toBe(1);
    expect(loadConfig({ SLUICE_PARTITIONS: '3' }).partitions).toBe(3);
    expect(() => loadConfig({ SLUICE_PARTITIONS: '0' })).toThrow(
      'SLUICE_PARTITIONS: expected a whole number >= 1',
    );
    expect(() => loadConfig({ SLUICE_PARTITIONS: '65' })).toThrow(
      'SLUICE_PARTITIONS: expected a whole number <= 64',
    );
  });

  it('reports every bad setting, one line each', () => {
    try {
      loadConfig({ SLUICE_HTTP_PORT: 'eighty', SLUICE_INDEX: 'Bad Index' });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).message.split('\n')).toEqual([
        'SLUICE_INDEX: expected 1-64 lowercase letters, digits, "-" or "_", starting with a letter or digit',
        'SLUICE_HTTP_PORT: expected a whole number',
      ]);
    }
  });

  it('keeps the queue board read-only unless SLUICE_BOARD_ACTIONS is on, and then demands the token', () => {
    expect(loadConfig({}).http.boardActions).toBe(false);
    expect(() => loadConfig({ SLUICE_BOARD_ACTIONS: 'yes' })).toThrow(
      new ConfigError('SLUICE_BOARD_ACTIONS: expected "on" or "off"'),
    );
    expect(() => loadConfig({ SLUICE_BOARD_ACTIONS: 'on' })).toThrow(
      /^SLUICE_BOARD_ACTIONS: "on" needs SLUICE_HTTP_TOKEN/,
    );
    const token = 'a-token-of-16-chars-or-more';
    expect(loadConfig({ SLUICE_BOARD_ACTIONS: 'on', SLUICE_HTTP_TOKEN: token }).http.boardActions).toBe(true);
  });

  it('reads SLUICE_DEDUP_WINDOW as a duration, 7 days by default', () => {
    expect(loadConfig({}).dedupWindowMs).toBe(7 * 24 * 3600 * 1000);
    expect(loadConfig({ SLUICE_DEDUP_WINDOW: '30s' }).dedupWindowMs).toBe(30_000);
    expect(loadConfig({ SLUICE_DEDUP_WINDOW: '1500ms' }).dedupWindowMs).toBe(1500);
    expect(loadConfig({ SLUICE_DEDUP_WINDOW: '12h' }).dedupWindowMs).toBe(12 * 3600 * 1000);
    expect(() => loadConfig({ SLUICE_DEDUP_WINDOW: '7 days' })).toThrow(
      new ConfigError('SLUICE_DEDUP_WINDOW: expected a whole number and a unit: ms, s, m, h or d (e.g. 7d)'),
    );
    expect(() => loadConfig({ SLUICE_DEDUP_WINDOW: '10ms' })).toThrow(
      new ConfigError('SLUICE_DEDUP_WINDOW: expected at least 1s'),
    );
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ KIBANA_URL: '' }).kibanaUrl).toBeUndefined();
  });

  it('never echoes a secret in its message', () => {
    expect(() => loadConfig({ SLUICE_HTTP_TOKEN: 'short-secret' })).toThrow(
      /SLUICE_HTTP_TOKEN: expected at least 16/,
    );
    expect(() => loadConfig({ SLUICE_HTTP_TOKEN: 'short-secret' })).not.toThrow(/short-secret/);
  });

  it('reads a secret from the file named by <NAME>_FILE', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const dir = mkdtempSync('/tmp/sluice-config-');
    writeFileSync(`${dir}/pw`, 'hunter2\n');
    const config = loadConfig({
      ELASTICSEARCH_USERNAME: 'elastic',
      ELASTICSEARCH_PASSWORD_FILE: `${dir}/pw`,
    });
    expect(config.elasticsearch.password).toBe('hunter2');
  });
  it('reads several Elasticsearch nodes from a comma-separated ELASTICSEARCH_URL, the first one naming them', () => {
    const config = loadConfig({
      ELASTICSEARCH_URL: 'http://127.0.0.1:9201, http://127.0.0.1:9202,http://es3:9200',
    });
    expect(config.elasticsearch.url).toBe('http://127.0.0.1:9201');
    expect(config.elasticsearch.nodes).toEqual([
      'http://127.0.0.1:9201',
      'http://127.0.0.1:9202',
      'http://es3:9200',
    ]);
    expect(elasticsearchNodes(config.elasticsearch)).toEqual(config.elasticsearch.nodes);
    expect(elasticsearchNodes(loadConfig({}).elasticsearch)).toEqual(['http://127.0.0.1:9200']);
    expect(() => loadConfig({ ELASTICSEARCH_URL: 'http://127.0.0.1:9201,es2:9200' })).toThrow(
      new ConfigError('ELASTICSEARCH_URL.1: expected a URL starting with http:// or https://'),
    );
    expect(() => loadConfig({ ELASTICSEARCH_URL: 'http://127.0.0.1:9201,' })).toThrow(ConfigError);
  });

  it('gives a client the one URL that replaced the first of several nodes (a proxy in front of one)', () => {
    const { elasticsearch } = loadConfig({
      ELASTICSEARCH_URL: 'http://127.0.0.1:9201,http://127.0.0.1:9202',
    });
    expect(elasticsearchNodes({ ...elasticsearch, url: 'http://127.0.0.1:7000' })).toEqual([
      'http://127.0.0.1:7000',
    ]);
  });

  it('creates indices with 1 primary and 1 replica unless SLUICE_INDEX_SHARDS / SLUICE_INDEX_REPLICAS say otherwise', () => {
    expect(loadConfig({}).indexShards).toEqual({ primaries: 1, replicas: 1 });
    expect(loadConfig({ SLUICE_INDEX_SHARDS: '3', SLUICE_INDEX_REPLICAS: '0' }).indexShards).toEqual({
      primaries: 3,
      replicas: 0,
    });
    expect(() => loadConfig({ SLUICE_INDEX_SHARDS: '0' })).toThrow(
      new ConfigError('SLUICE_INDEX_SHARDS: expected a whole number >= 1'),
    );
    expect(() => loadConfig({ SLUICE_INDEX_REPLICAS: '-1' })).toThrow(
      new ConfigError('SLUICE_INDEX_REPLICAS: expected a whole number >= 0'),
    );
  });
});

describe('formatDuration', () => {
  it('writes milliseconds in the largest unit that divides them, as a duration setting reads', () => {
    expect(formatDuration(30_000)).toBe('30s');
    expect(formatDuration(7 * 86_400_000)).toBe('7d');
    expect(formatDuration(90_000)).toBe('90s');
    expect(formatDuration(2500)).toBe('2500ms');
    expect(loadConfig({ SLUICE_DEDUP_WINDOW: formatDuration(90 * 60_000) }).dedupWindowMs).toBe(90 * 60_000);
  });
});
