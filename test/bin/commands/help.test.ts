/** What `--help` and usage errors tell a new user (issue 16), without any service. */
import { describe, expect, it } from 'vitest';
import { runSluice } from '../../sluice-process.ts';

describe('sluice <command> --help', () => {
  it.each([
    [
      'start',
      ['SLUICE_INBOX', '/tmp/help-inbox', 'SLUICE_HTTP_PORT', '127.0.0.1:8181', 'REDIS_URL', 'KIBANA_URL'],
    ],
    [
      'work',
      ['SLUICE_HTTP_PORT', '127.0.0.1:8181', 'REDIS_URL', 'ELASTICSEARCH_URL', 'SLUICE_EXTRACT_CONCURRENCY'],
    ],
    ['watch', ['SLUICE_INBOX', '/tmp/help-inbox', 'REDIS_URL', 'SLUICE_MAX_QUEUE_DEPTH']],
  ])(
    '%s names the inbox, the port and the settings it reads, with the values it would use',
    async (command, expected) => {
      const run = await runSluice([command, '--help'], {
        SLUICE_INBOX: '/tmp/help-inbox',
        SLUICE_HTTP_PORT: '8181',
        REDIS_URL: 'redis://:help-s3cret@127.0.0.1:6379',
      });
      expect(run.code).toBe(0);
      for (const text of expected) expect(run.stdout).toContain(text);
      expect(run.stdout).not.toContain('help-s3cret');
    },
  );
});

describe('sluice search', () => {
  it('refuses an empty query as a usage error, without asking Elasticsearch', async () => {
    const run = await runSluice(['search', '  '], { ELASTICSEARCH_URL: 'http://127.0.0.1:1' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/error: .*query.*expected words to search for/);
    expect(run.stdout).not.toContain('No articles match');
  });
});

describe('sluice ingest on a terminal', () => {
  it('keeps per-file lines off the progress bar unless LOG_LEVEL=debug asks for them (issue 16)', async () => {
    const { producerLogLevel } = await import('../../../bin/commands/ingest.ts');
    expect(producerLogLevel('info', true)).toBe('warn');
    expect(producerLogLevel('debug', true)).toBe('debug');
    expect(producerLogLevel('info', false)).toBe('info');
  });
});
