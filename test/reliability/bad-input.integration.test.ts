/**
 * Bad input dropped into a watched inbox, all at once with good pages: each file gets its outcome
 * (indexed when it is valid text, else failed/ with a clear reason in `<name>.error.json`) and none
 * stops the pipeline. Refused inputs are the fixtures of test/fixtures/bad/ with their golden
 * codes; the rest is generated here (large files, odd names, a symbolic and a hard link).
 */
import { existsSync } from 'node:fs';
import { copyFile, link, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../eventually.ts';
import {
  createTestPipeline,
  type RunningPipeline,
  startPipeline,
  type TestPipeline,
} from '../pipeline-harness.ts';
import { AGGREGATOR_PAGES, auditWhenSettled, expectBalanced } from './fault-harness.ts';

const BAD = new URL('../fixtures/bad/', import.meta.url);
const MAX_FILE_BYTES = 12 * 1024 * 1024;

/** Names a careless script would mangle; each gets a different valid page. */
const ODD_NAMES = [
  'name with  spaces.txt',
  `quotes ' and " in it.txt`,
  'a new\nline.txt',
  'Ελληνικά 中文 العربية हिन्दी.txt',
  '$(touch pwned).txt',
  '`touch pwned`; rm -rf x &.txt',
  '..\\..\\escape.txt',
  '%2e%2e%2fescape.txt',
];

let pipeline: TestPipeline;
let running: RunningPipeline;
let outside: string;
const expected = { done: [] as string[], failed: new Map<string, string>() };

beforeAll(async () => {
  pipeline = await createTestPipeline({ SLUICE_MAX_FILE_BYTES: String(MAX_FILE_BYTES) });
  running = await startPipeline(pipeline.config, pipeline.elasticsearch);
  outside = await mkdtemp(join(tmpdir(), 'sluice-outside-'));
  const { inbox } = pipeline.config;
  const page = (n: number) =>
    readFile(new URL(`page-dev-${String(n).padStart(3, '0')}.txt`, AGGREGATOR_PAGES));

  for (const name of await readdir(BAD)) {
    if (name.endsWith('.error.json')) continue;
    const golden = JSON.parse(await readFile(new URL(`${name}.error.json`, BAD), 'utf8')) as { code: string };
    await copyFile(new URL(name, BAD), join(inbox, name));
    expected.failed.set(name, golden.code);
  }
  // UTF-16 pages, little and big endian, with and without a byte order mark.
  const utf16 = async (n: number, bigEndian: boolean, bom: boolean) => {
    const bytes = Buffer.from(`${bom ? '\ufeff' : ''}${(await page(n)).toString('utf8')}`, 'utf16le');
    return bigEndian ? bytes.swap16() : bytes;
  };
  for (const [i, [bigEndian, bom]] of [
    [false, true],
    [false, false],
    [true, true],
    [true, false],
  ].entries()) {
    const name = `utf16${bigEndian ? 'be' : 'le'}${bom ? '-bom' : ''}.txt`;
    await writeFile(join(inbox, name), await utf16(21 + i, Boolean(bigEndian), Boolean(bom)));
    expected.done.push(name);
  }
  // Invalid UTF-8 (a lone continuation byte and a truncated sequence) is read as Windows-1252.
  const text = await page(0);
  await writeFile(
    join(inbox, 'invalid-utf8.txt'),
    Buffer.concat([text, Buffer.from([0x80, 0xc3, 0x28, 0x0a])]),
  );
  expected.done.push('invalid-utf8.txt');
  const sentence = 'The council met on Tuesday and agreed to repair the old bridge before winter. ';
  await writeFile(join(inbox, 'one-line-10mb.txt'), sentence.repeat(Math.ceil(10_000_000 / sentence.length)));
  expected.done.push('one-line-10mb.txt');
  await writeFile(join(inbox, 'over-the-limit.txt'), Buffer.alloc(MAX_FILE_BYTES + 1, 'a'));
  expected.failed.set('over-the-limit.txt', 'INPUT_TOO_LARGE');
  for (const [i, name] of ODD_NAMES.entries()) {
    await writeFile(join(inbox, name), await page(i + 1));
    expected.done.push(name);
  }
  // A link to a readable page outside the inbox: refused, so the inbox cannot publish other files.
  await writeFile(join(outside, 'private.txt'), await page(20));
  await symlink(join(outside, 'private.txt'), join(inbox, 'link-to-outside.txt'));
  expected.failed.set('link-to-outside.txt', 'INPUT_OUTSIDE_INBOX');
  // A hard link is as much a way out (issue 13, item 9): refused too.
  await writeFile(join(outside, 'hard.txt'), await page(19));
  await link(join(outside, 'hard.txt'), join(inbox, 'hard-link-to-outside.txt'));
  expected.failed.set('hard-link-to-outside.txt', 'INPUT_OUTSIDE_INBOX');
}, 120_000);

afterAll(async () => {
  await running?.close();
  await pipeline?.cleanup();
  await rm(outside, { recursive: true, force: true });
});

const listing = async (folder: string) =>
  (await readdir(join(pipeline.config.inbox, folder)).catch(() => [])).sort();

describe('bad input in the watched inbox', () => {
  it('gives every file its outcome, refused ones a clear reason, and stops nothing', {
    timeout: 120_000,
  }, async () => {
    const report = await auditWhenSettled(pipeline.config, 110_000);
    await expectBalanced(pipeline, report);
    expect(await listing('done')).toEqual([...expected.done].sort());
    const failed = await listing('failed');
    expect(failed.filter((name) => !name.endsWith('.error.json'))).toEqual(
      [...expected.failed.keys()].sort(),
    );
    for (const [name, code] of expected.failed) {
      const reason = JSON.parse(
        await readFile(join(pipeline.config.inbox, 'failed', `${name}.error.json`), 'utf8'),
      );
      expect(reason, name).toMatchObject({ code, file: name });
      expect(reason.message.length, name).toBeGreaterThan(15);
    }
    expect(report.files).toMatchObject({
      inbox: 0,
      done: expected.done.length,
      failed: expected.failed.size,
    });
  });

  it('leaves the targets of refused links untouched and unindexed', async () => {
    expect(existsSync(join(outside, 'private.txt'))).toBe(true);
    expect(existsSync(join(outside, 'hard.txt'))).toBe(true);
    for (const file of ['link-to-outside.txt', 'hard-link-to-outside.txt']) {
      const found = await pipeline.elasticsearch.search({
        index: pipeline.config.index,
        query: { nested: { path: 'sightings', query: { term: { 'sightings.file': file } } } },
      });
      expect(found.hits.hits, file).toEqual([]);
    }
  });

  it('runs no shell on a file name: names with $(...) and backticks create nothing', async () => {
    for (const folder of [process.cwd(), pipeline.config.inbox, join(pipeline.config.inbox, 'done')]) {
      expect(existsSync(join(folder, 'pwned')), folder).toBe(false);
    }
  });

  // Issue 13, item 2: an empty q.txt wrote its report over a failed input named q.txt.error.json.
  it('never writes a report over a file, and reports names too long for <name>.error.json', {
    timeout: 120_000,
  }, async () => {
    const { inbox } = pipeline.config;
    const failedFolder = join(inbox, 'failed');
    const arrived = (name: string) =>
      eventually(async () => ((await listing('failed')).includes(name) ? true : undefined), 50_000, 200);
    const binary = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1, 2, 3]);
    await writeFile(join(inbox, 'q.txt.error.json'), binary);
    await arrived('q.txt.error.json');
    await writeFile(join(inbox, 'q.txt'), '');
    const long = `${'long name '.repeat(25)}.txt`;
    await writeFile(join(inbox, long), '');
    await arrived(long);
    const report = await auditWhenSettled(pipeline.config, 60_000);
    await expectBalanced(pipeline, report);

    expect(await readFile(join(failedFolder, 'q.txt.error.json'))).toEqual(binary);
    const parsed = (text: string) => {
      try {
        return JSON.parse(text) as { file?: string; code?: string };
      } catch {
        return {}; // the binary input named like a report
      }
    };
    const reports = await Promise.all(
      (await listing('failed'))
        .filter((name) => name.endsWith('.error.json'))
        .map(async (name) => ({ name, ...parsed(await readFile(join(failedFolder, name), 'utf8')) })),
    );
    const reportOf = (file: string) => reports.find((found) => found.file === file);
    expect(reportOf('q.txt.error.json')).toMatchObject({ code: 'INPUT_BINARY' });
    const empty = reports.find(
      (found) => found.code === 'INPUT_EMPTY' && /^q(\.\d+)?\.txt$/.test(found.file ?? ''),
    );
    expect(empty?.name).toBe(`${empty?.file}.error.json`);
    expect(reportOf(long)).toMatchObject({ code: 'INPUT_EMPTY' });
    expect(Buffer.byteLength(reportOf(long)?.name ?? '')).toBeLessThanOrEqual(255);
  });

  it('still indexes a good page dropped after all of that', { timeout: 60_000 }, async () => {
    await copyFile(new URL('page-dev-030.txt', AGGREGATOR_PAGES), join(pipeline.config.inbox, 'after.txt'));
    await eventually(
      async () => ((await listing('done')).includes('after.txt') ? true : undefined),
      50_000,
      200,
    );
  });
});
