import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../../bin/cli.ts';

const fixture = (path: string) => new URL(`../../fixtures/${path}`, import.meta.url).pathname;

async function run(...args: string[]): Promise<{ status: number; out: string }> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk) => {
    text += chunk;
  });
  const status = await main(['node', 'sluice', 'extract', ...args], out);
  return { status, out: text };
}

describe('sluice extract', () => {
  afterEach(() => {
    process.exitCode = undefined; // the command reports failure through it, as every command does
  });

  it('prints one JSON line per file, an error line for a bad file, and exits 1 after all of them', async () => {
    const files = [
      fixture('formats/records.jsonl'),
      fixture('bad/empty.txt'),
      fixture('formats/harbour-article.html'),
    ];
    const { status, out } = await run('--jsonl', '--captured-at', '2025-07-27T12:00:00Z', ...files);
    const lines = out
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(status).toBe(1);
    expect(lines.map((line) => line.file)).toEqual(files);
    expect(lines[0].articles.map((article: { title: string }) => article.title)).toEqual([
      'Market square reopens',
      'Cycling lane finished early',
    ]);
    expect(Object.keys(lines[0].articles[0])).toEqual([
      'title', 'lead', 'body', 'source', 'published', 'publishedAt', 'primary', 'language', 'wordCount',
    ]); // biome-ignore format: the documented field order, on one line.
    expect(lines[1].error).toEqual({ code: 'INPUT_EMPTY', message: 'The file is empty (0 bytes).' });
    expect(lines[2].articles[0].source).toBe('The Coastal Ledger');
  });

  it('learns the chrome of several files first, and leaves it out of each (SLUICE_LEARN_CHROME=off: not)', async () => {
    const teachers = [1, 2, 3, 4].map((n) => fixture(`chrome/blog-archive-teacher-${n}.txt`));
    const target = fixture('chrome/blog-archive-target.txt');
    // The target's archive month as --explain prints it (the target comes last): dropped as learned or not.
    const month = async (...files: string[]) =>
      (await run('--explain', ...files)).out
        .split('\n')
        .filter((line) => line.endsWith(' August 2019 (9)'))
        .at(-1);
    expect(await month(target)).not.toContain('drop:learned-chrome');
    expect(await month(...teachers, target)).toContain('drop:learned-chrome');
    const primaryBody = (out: string) =>
      JSON.parse(out.trimEnd().split('\n').at(-1) as string).articles.find(
        (article: { primary: boolean }) => article.primary,
      ).body as string;
    expect(primaryBody((await run('--jsonl', ...teachers, target)).out)).toContain('simdjson');
    process.env.SLUICE_LEARN_CHROME = 'off';
    try {
      expect(await month(...teachers, target)).not.toContain('drop:learned-chrome');
    } finally {
      delete process.env.SLUICE_LEARN_CHROME;
    }
  });

  it('exits 0 and pretty-prints without --jsonl', async () => {
    const { status, out } = await run(fixture('formats/single-record.json'));
    expect(status).toBe(0);
    expect(out).toMatch(/^\{\n {2}"file": /);
    expect(JSON.parse(out).articles[0].title).toBe('Night buses to run on weekdays');
  });

  it('reports a missing path and a folder as errors of their own', async () => {
    const { status, out } = await run('--jsonl', fixture('formats/no-such-file.txt'), fixture('formats'));
    const codes = out
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line).error.code);
    expect(status).toBe(1);
    expect(codes).toEqual(['INPUT_UNREADABLE', 'INPUT_NOT_A_FILE']);
  });

  it('resolves relative publish times against the file mtime unless --captured-at is given', async () => {
    const { out } = await run(
      '--jsonl',
      '--captured-at',
      '2025-07-27T12:00:00Z',
      fixture('formats/single-record.json'),
    );
    expect(JSON.parse(out).articles[0].publishedAt).toBe('2025-07-27T10:00:00.000Z');
  });

  it('refuses a --captured-at that is not a time', async () => {
    const { status } = await run('--captured-at', 'yesterday-ish', fixture('formats/records.json'));
    expect(status).not.toBe(0);
  });
});
