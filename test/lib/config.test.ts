import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.ts';
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
      new ConfigError('REDIS_URL: expected a URL starting with redis:// or rediss://'),
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
});
