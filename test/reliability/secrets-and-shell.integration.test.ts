/**
 * Security: credentials given in REDIS_URL, ELASTICSEARCH_URL and ELASTICSEARCH_PASSWORD never
 * appear in a command's output, logs or error messages (checked on real processes whose services
 * do not answer, the path where connection errors are printed); and no shell command is ever
 * built, so a file name cannot run one (see also bad-input.integration.test.ts, which drops `$(touch pwned).txt`).
 * Dashboard credentials, headers and limits: test/workers/dashboard/dashboard.integration.test.ts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSluice } from '../sluice-process.ts';

const SECRETS = ['RedisPw-s3cret', 'UrlPw-s3cret', 'EsPw-s3cret'];
const ENV = {
  REDIS_URL: 'redis://:RedisPw-s3cret@127.0.0.1:1',
  ELASTICSEARCH_URL: 'http://esuser:UrlPw-s3cret@127.0.0.1:2',
  ELASTICSEARCH_USERNAME: 'elastic',
  ELASTICSEARCH_PASSWORD: 'EsPw-s3cret',
  LOG_LEVEL: 'debug',
};
const ROOT = new URL('../../', import.meta.url).pathname;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|js)$/.test(name) ? [path] : [];
  });
}

describe('credentials', () => {
  it.each([['audit'], ['doctor'], ['search', 'anything']])(
    'never shows up in what `sluice %s` prints when the services do not answer',
    { timeout: 60_000 },
    async (...args) => {
      const run = await runSluice(args, ENV);
      const output = run.stdout + run.stderr;
      expect(run.code).not.toBe(0);
      expect(output).toMatch(/127\.0\.0\.1:[12]/);
      for (const secret of SECRETS) expect(output).not.toContain(secret);
    },
  );
});

describe('shell commands', () => {
  it('are never built: no exec, no shell, no child processes outside infra/local', () => {
    for (const folder of ['lib', 'producers', 'workers', 'infra', 'bin']) {
      for (const file of sourceFiles(join(ROOT, folder))) {
        const text = readFileSync(file, 'utf8');
        expect(text, file).not.toMatch(
          /\{[^}]*\bexec(Sync)?\b[^}]*\}\s*from\s*'node:child_process'|shell:\s*true/,
        );
        if (!file.includes('/infra/local/')) expect(text, file).not.toContain('node:child_process');
      }
    }
  });
});
