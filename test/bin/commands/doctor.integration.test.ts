import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lib/config.ts';
import { redactUrl } from '../../../lib/logger.ts';

const run = promisify(execFile);
const config = loadConfig();
/** A URL as doctor prints it, as a pattern. */
const printed = (url: string) => redactUrl(url).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Runs the real CLI as a user would, with extra environment variables. */
async function doctor(env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run('node', ['bin/sluice.js', 'doctor'], {
      env: { ...process.env, ...env, LOG_LEVEL: 'silent' },
    });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, stdout: failed.stdout };
  }
}

describe('sluice doctor', () => {
  it('reports the real Redis and Elasticsearch with their versions', async () => {
    const { code, stdout } = await doctor({});
    expect(code).toBe(0);
    expect(stdout).toMatch(
      new RegExp(`^(ok {2}|WARN) Redis {9}\\d+\\.\\d+\\.\\d+ at ${printed(config.redisUrl)}`, 'm'),
    );
    expect(stdout).toMatch(
      new RegExp(
        `^ok {3}Elasticsearch \\d+\\.\\d+\\.\\d+ at ${printed(config.elasticsearch.url)}, cluster \\S+ (green|yellow)`,
        'm',
      ),
    );
  });

  it('diagnoses an unreachable Elasticsearch, hints at infra up and exits non-zero', async () => {
    const { code, stdout } = await doctor({ ELASTICSEARCH_URL: 'http://127.0.0.1:9' });
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /^FAIL Elasticsearch Elasticsearch at http:\/\/127\.0\.0\.1:9 does not answer: .*ECONNREFUSED/m,
    );
    expect(stdout).toMatch(/fix: start the local services with `npm run -s sluice -- infra up`/);
  });

  it('checks Kibana when KIBANA_URL is set, and never prints a credential', async () => {
    const { code, stdout } = await doctor({
      KIBANA_URL: 'http://kibana-user:kibana-s3cret@127.0.0.1:9',
      ELASTICSEARCH_USERNAME: 'elastic',
      ELASTICSEARCH_PASSWORD: 'es-s3cret-password',
    });
    expect(code).toBe(1);
    expect(stdout).toMatch(/^FAIL Kibana +Kibana at http:\/\/\*\*\*:\*\*\*@127\.0\.0\.1:9 does not answer/m);
    expect(stdout).not.toMatch(/s3cret/);
  });
});
