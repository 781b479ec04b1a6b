/**
 * The extract sandbox (issue 13, item 7): extraction in a pool of worker threads, with the
 * contract of extractArticles, a time and a heap limit per file, and hostile pages that fail
 * with their own codes while a valid page submitted with them is extracted in its normal time.
 * The hostile pages are generated here, as the reproductions built them.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Worker } from 'node:worker_threads';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lib/config.ts';
import { InputError, SluiceError } from '../../../lib/errors.ts';
import { extractArticles } from '../../../workers/extract/extract-articles.ts';
import {
  EXTRACT_SANDBOX_DEFAULTS,
  ExtractSandbox,
  type ExtractSandboxOptions,
} from '../../../workers/extract/extract-sandbox.ts';

const capturedAt = new Date('2025-07-27T12:00:00Z');
const formats = new URL('../../fixtures/formats/', import.meta.url);
const bad = new URL('../../fixtures/bad/', import.meta.url);
const withGolden = (folder: URL, suffix: string) =>
  readdirSync(folder).filter((name) => readdirSync(folder).includes(`${name}${suffix}`));

/** The page: 100,000 nested `<div><span>`, never closed (1.1 MB); extraction needs minutes. */
const deepNesting = (depth = 100_000) => Buffer.from(`<html><body>${'<div><span>'.repeat(depth)}text`);
/** 2 MB of character references in one paragraph: the DOM and its text grow over 200-fold. */
const entityBomb = () =>
  Buffer.from(`<html><body><p>${'&amp;&lt;&#x41;&nbsp;'.repeat(100_000)}</p></body></html>`);
/** Nested just deep enough for the parser's recursion to overflow the thread's stack, early. */
const stackOverflow = () => deepNesting(20_000);
const validPage = readFileSync(new URL('harbour-article.html', formats));

/** The pool of the test running now, closed after it. */
let sandbox: ExtractSandbox | undefined;
const open = (options: ExtractSandboxOptions) => {
  sandbox = new ExtractSandbox(options);
  return sandbox;
};
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});
/** A pool with the default limits for the tests of the contract (a thread takes seconds to start here). */
const shared = new ExtractSandbox({ threads: 2 });
afterAll(() => shared.close());

/** What `extract` settled with, and after how many ms. */
async function timed(work: Promise<unknown>): Promise<{ ms: number; value?: unknown; error?: unknown }> {
  const start = performance.now();
  try {
    const value = await work;
    return { ms: performance.now() - start, value };
  } catch (error) {
    return { ms: performance.now() - start, error };
  }
}

/** Starts `threads` threads and waits until each has extracted a page. */
async function warm(pool: ExtractSandbox, threads: number): Promise<void> {
  await Promise.all(
    Array.from({ length: threads }, () => pool.extract(validPage, { fileName: 'warm.html', capturedAt })),
  );
}

describe('ExtractSandbox', () => {
  it('returns what extractArticles returns, for every format fixture', async () => {
    for (const name of withGolden(formats, '.expected.json')) {
      const bytes = readFileSync(new URL(name, formats));
      expect(await shared.extract(bytes, { fileName: name, capturedAt }), name).toEqual(
        extractArticles(bytes, { fileName: name, capturedAt }),
      );
    }
  });

  it.each(withGolden(bad, '.error.json'))(
    'throws the InputError extractArticles throws for %s',
    async (name) => {
      const golden = JSON.parse(readFileSync(new URL(`${name}.error.json`, bad), 'utf8'));
      const { error } = await timed(
        shared.extract(readFileSync(new URL(name, bad)), { fileName: name, capturedAt }),
      );
      expect(error).toBeInstanceOf(InputError);
      expect(error).toMatchObject({ code: golden.code, file: name, retryable: false });
      expect((error as InputError).message).toContain(golden.message);
    },
  );

  it('stops a page over the time limit with INPUT_TOO_COMPLEX, not retryable, soon after the limit', async () => {
    const pool = open({ threads: 1, timeLimitMs: 1000 });
    await warm(pool, 1);
    const { ms, error } = await timed(pool.extract(deepNesting(), { fileName: 'deep.html', capturedAt }));
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ code: 'INPUT_TOO_COMPLEX', file: 'deep.html', retryable: false });
    expect(ms).toBeGreaterThanOrEqual(1000);
    expect(ms).toBeLessThan(5000);
    // The thread was replaced: the next file is extracted.
    expect(await pool.extract(validPage, { fileName: 'after.html', capturedAt })).toHaveLength(1);
  });

  it('stops a page over the heap limit with INPUT_TOO_LARGE_IN_MEMORY, not retryable', async () => {
    const pool = open({ threads: 1, heapLimitMb: 64, timeLimitMs: 60_000 });
    const { error } = await timed(pool.extract(entityBomb(), { fileName: 'entities.html', capturedAt }));
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({
      code: 'INPUT_TOO_LARGE_IN_MEMORY',
      file: 'entities.html',
      retryable: false,
    });
    expect(await pool.extract(validPage, { fileName: 'after.html', capturedAt })).toHaveLength(1);
  });

  it('fails a stack overflow inside extraction with INPUT_TOO_DEEP, not retryable', async () => {
    const { error } = await timed(shared.extract(stackOverflow(), { fileName: 'nested.html', capturedAt }));
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ code: 'INPUT_TOO_DEEP', file: 'nested.html', retryable: false });
  });

  it('extracts a valid page submitted with three hostile ones in about its solo time', async () => {
    const timeLimitMs = 8000;
    const pool = open({ threads: 4, timeLimitMs, heapLimitMb: 64 });
    await warm(pool, 4);
    const solo = await timed(pool.extract(validPage, { fileName: 'solo.html', capturedAt }));

    const hostile = [deepNesting(), entityBomb(), stackOverflow()].map((bytes, i) =>
      timed(pool.extract(bytes, { fileName: `hostile-${i}.html`, capturedAt })),
    );
    const valid = await timed(pool.extract(validPage, { fileName: 'valid.html', capturedAt }));
    const failures = await Promise.all(hostile);

    expect(valid.value).toEqual(solo.value);
    // Behind the hostile pages it would wait for the slowest of them: the time limit.
    expect(valid.ms).toBeLessThan(Math.max(20 * solo.ms, solo.ms + 2000));
    for (const failure of failures) {
      expect(failure.error).toBeInstanceOf(InputError);
      expect((failure.error as InputError).code).toMatch(/^INPUT_TOO_(COMPLEX|LARGE_IN_MEMORY|DEEP)$/);
      expect(failure.ms).toBeLessThan(timeLimitMs + 5000);
    }
  });

  it('survives a thread killed idle or mid-file: that file fails retryable, the next is extracted', async () => {
    const threads: Worker[] = [];
    const pool = open({ threads: 1, timeLimitMs: 60_000, onThreadStart: (thread) => threads.push(thread) });
    await warm(pool, 1);
    await threads[0]?.terminate();
    expect(await pool.extract(validPage, { fileName: 'after-idle.html', capturedAt })).toHaveLength(1);
    expect(threads).toHaveLength(2);

    const busy = timed(pool.extract(deepNesting(), { fileName: 'killed.html', capturedAt }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await threads[1]?.terminate();
    const { error } = await busy;
    expect(error).toBeInstanceOf(SluiceError);
    expect(error).toMatchObject({ code: 'INTERNAL', file: 'killed.html', retryable: true });
    expect(await pool.extract(validPage, { fileName: 'after-busy.html', capturedAt })).toHaveLength(1);
    expect(threads).toHaveLength(3);
  });

  it('ends every thread on close(), failing the files in flight retryable and refusing new ones', async () => {
    const exited: number[] = [];
    const pool = open({
      threads: 3,
      onThreadStart: (thread) => thread.on('exit', () => exited.push(thread.threadId)),
    });
    await warm(pool, 3);
    const inFlight = timed(pool.extract(deepNesting(), { fileName: 'in-flight.html', capturedAt }));
    await pool.close();
    expect(exited).toHaveLength(3);
    expect((await inFlight).error).toMatchObject({
      code: 'INTERNAL',
      file: 'in-flight.html',
      retryable: true,
    });
    await expect(pool.extract(validPage, { fileName: 'late.html', capturedAt })).rejects.toMatchObject({
      code: 'INTERNAL',
      retryable: true,
    });
  });

  it('works when tsx is registered as bin/sluice.js registers it', async () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const script = `
      import { register } from 'tsx/esm/api';
      register();
      const { ExtractSandbox } = await import('./workers/extract/extract-sandbox.ts');
      const { readFileSync } = await import('node:fs');
      const sandbox = new ExtractSandbox({ threads: 1 });
      const bytes = readFileSync('test/fixtures/formats/harbour-article.html');
      const articles = await sandbox.extract(bytes, { fileName: 'a.html', capturedAt: new Date() });
      await sandbox.close();
      console.log(JSON.stringify(articles.map((article) => article.title)));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
    });
    expect(JSON.parse(stdout)).toEqual(
      extractArticles(validPage, { fileName: 'a.html', capturedAt }).map((article) => article.title),
    );
  });

  it('has the defaults of SLUICE_EXTRACT_CONCURRENCY, SLUICE_EXTRACT_TIME_LIMIT_MS and SLUICE_EXTRACT_HEAP_MB', () => {
    expect(loadConfig({}).extract).toEqual({
      threads: EXTRACT_SANDBOX_DEFAULTS.threads,
      timeMs: EXTRACT_SANDBOX_DEFAULTS.timeLimitMs,
      heapMb: EXTRACT_SANDBOX_DEFAULTS.heapLimitMb,
    });
  });

  it('refuses options it cannot run with, naming them', () => {
    expect(() => new ExtractSandbox({ threads: 0 })).toThrow(/threads must be a whole number >= 1, got 0/);
    expect(() => new ExtractSandbox({ timeLimitMs: -1 })).toThrow(/timeLimitMs must be > 0/);
  });
});
