import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { link, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { moveToDone, moveToFailed, reportName } from '../../lib/inbox.ts';

const run = promisify(execFile);
const MOVER = fileURLToPath(new URL('./inbox-mover-child.ts', import.meta.url));
const EMPTY = { code: 'INPUT_EMPTY', message: 'q.txt is empty', stage: 'watch' };
const digest = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');

let inbox: string;

const RACED = 300;

/**
 * Two child processes moving colliding names into `folder` at the same moment: `<folder>/p<i>.txt`
 * is taken, so the new `p<i>.txt` (moved by one) and `p<i>.1.txt` (moved by the other) both want
 * `p<i>.1.txt`. Returns the digests of every file written, and where each process put its files.
 */
async function race(
  folder: 'done' | 'failed',
): Promise<{ originals: string[]; targets: Array<string | null> }> {
  const originals: string[] = [];
  const write = async (path: string) => {
    const content = `${path} ${Math.random()}\n`;
    originals.push(digest(content));
    await writeFile(path, content);
  };
  await mkdir(join(inbox, folder));
  const first: string[] = [];
  const second: string[] = [];
  for (let i = 0; i < RACED; i++) {
    await write(join(inbox, folder, `p${i}.txt`));
    first.push(join(inbox, `p${i}.txt`));
    second.push(join(inbox, `p${i}.1.txt`));
  }
  for (const path of [...first, ...second]) await write(path);
  const startAt = String(Date.now() + 1500);
  const runs = await Promise.all(
    [first, second].map((paths) =>
      run(process.execPath, ['--import', 'tsx', MOVER, folder, startAt, ...paths], { encoding: 'utf8' }),
    ),
  );
  return { originals, targets: runs.flatMap((result) => JSON.parse(result.stdout) as Array<string | null>) };
}
beforeEach(async () => {
  inbox = await mkdtemp(join(tmpdir(), 'sluice-inbox-test-'));
});
afterEach(async () => {
  await rm(inbox, { recursive: true, force: true });
});

const reportIn = async (folder: string, name: string) =>
  JSON.parse(await readFile(join(inbox, folder, name), 'utf8')) as Record<string, unknown>;

describe('moveToDone', () => {
  it('moves a file into done/ and keeps both when the name is taken', async () => {
    await writeFile(join(inbox, 'page.txt'), 'one');
    expect(await moveToDone(inbox, join(inbox, 'page.txt'))).toBe(join(inbox, 'done', 'page.txt'));
    await writeFile(join(inbox, 'page.txt'), 'two');
    expect(await moveToDone(inbox, join(inbox, 'page.txt'))).toBe(join(inbox, 'done', 'page.1.txt'));
    expect(await readFile(join(inbox, 'done', 'page.1.txt'), 'utf8')).toBe('two');
  });

  it('finishes a move interrupted between its link and its unlink, without a second copy', async () => {
    await mkdir(join(inbox, 'done'));
    await writeFile(join(inbox, 'page.txt'), 'one');
    await link(join(inbox, 'page.txt'), join(inbox, 'done', 'page.txt'));
    expect(await moveToDone(inbox, join(inbox, 'page.txt'))).toBe(join(inbox, 'done', 'page.txt'));
    expect(await readdir(join(inbox, 'done'))).toEqual(['page.txt']);
    expect(await readdir(inbox)).toEqual(['done']);
  });

  it('returns null when the file is already gone', async () => {
    expect(await moveToDone(inbox, join(inbox, 'missing.txt'))).toBeNull();
  });

  // Issue 13, item 1: a check for a free name then a rename() replaced files moved in between.
  it('never replaces a file in done/ when two processes move names that collide', async () => {
    const { originals, targets } = await race('done');
    const names = await readdir(join(inbox, 'done'));
    const survivors = new Set(
      await Promise.all(names.map(async (name) => digest(await readFile(join(inbox, 'done', name))))),
    );
    expect(originals.filter((original) => !survivors.has(original)).length, 'originals lost').toBe(0);
    expect(names.length).toBe(originals.length);
    expect(await readdir(inbox)).toEqual(['done']);
    expect(new Set(targets).size).toBe(targets.length);
  }, 60_000);
});

// Issue 13, item 8: a job naming any path made the finalize worker move that file.
describe('the inbox boundary', () => {
  it.each([
    ['elsewhere', () => join(tmpdir(), 'private.txt')],
    ['through ../', () => `${inbox}/../private.txt`],
    ['in a folder whose name starts like the inbox', () => `${inbox}-other/private.txt`],
    ['below the inbox', () => join(inbox, 'sub', 'private.txt')],
    ['the done/ folder itself', () => join(inbox, 'done')],
  ])('refuses to move a file %s, with INPUT_OUTSIDE_INBOX, before touching anything', async (_, path) => {
    for (const move of [
      () => moveToDone(inbox, path()),
      () => moveToFailed(inbox, path(), { code: 'X', message: 'm', stage: 'finalize' }),
    ]) {
      await expect(move()).rejects.toMatchObject({ code: 'INPUT_OUTSIDE_INBOX', retryable: false });
    }
    expect(await readdir(inbox)).toEqual([]);
  });
});

describe('moveToFailed', () => {
  it('moves the file into failed/ with a readable <name>.error.json beside it', async () => {
    await writeFile(join(inbox, 'blob.bin'), Buffer.from([0, 1, 2]));
    await moveToFailed(inbox, join(inbox, 'blob.bin'), {
      code: 'INPUT_BINARY',
      message: 'blob.bin is binary',
      stage: 'extract',
    });
    expect((await readdir(join(inbox, 'failed'))).sort()).toEqual(['blob.bin', 'blob.bin.error.json']);
    const report = JSON.parse(await readFile(join(inbox, 'failed', 'blob.bin.error.json'), 'utf8'));
    expect(report).toMatchObject({
      code: 'INPUT_BINARY',
      message: 'blob.bin is binary',
      stage: 'extract',
      file: 'blob.bin',
    });
    expect(Date.parse(report.time)).not.toBeNaN();
  });

  it('still writes the report when the file is gone', async () => {
    await moveToFailed(inbox, join(inbox, 'gone.txt'), { code: 'X', message: 'm', stage: 'index' });
    expect(await readdir(join(inbox, 'failed'))).toEqual(['gone.txt.error.json']);
  });

  // Issue 13, item 2: a bad file named `q.txt.error.json` had its bytes replaced by q.txt's report.
  it('never writes a report over a file: an input named like a report keeps its bytes', async () => {
    await mkdir(join(inbox, 'failed'));
    await writeFile(join(inbox, 'failed', 'q.txt.error.json'), 'an input of that name');
    await writeFile(join(inbox, 'q.txt'), '');
    expect(await moveToFailed(inbox, join(inbox, 'q.txt'), EMPTY)).toBe(join(inbox, 'failed', 'q.1.txt'));
    expect(await readFile(join(inbox, 'failed', 'q.txt.error.json'), 'utf8')).toBe('an input of that name');
    expect(await reportIn('failed', 'q.1.txt.error.json')).toMatchObject({
      code: 'INPUT_EMPTY',
      file: 'q.1.txt',
    });
    expect((await readdir(join(inbox, 'failed'))).sort()).toEqual([
      'q.1.txt',
      'q.1.txt.error.json',
      'q.txt.error.json',
    ]);
  });

  it('writes the report of a vanished file beside no other file', async () => {
    await mkdir(join(inbox, 'failed'));
    await writeFile(join(inbox, 'failed', 'gone.txt.error.json'), 'an input of that name');
    await writeFile(join(inbox, 'failed', 'gone.1.txt'), 'another input, without a report yet');
    expect(await moveToFailed(inbox, join(inbox, 'gone.txt'), EMPTY)).toBeNull();
    expect(await readFile(join(inbox, 'failed', 'gone.txt.error.json'), 'utf8')).toBe(
      'an input of that name',
    );
    expect(await reportIn('failed', 'gone.2.txt.error.json')).toMatchObject({ file: 'gone.2.txt' });
    expect((await readdir(join(inbox, 'failed'))).sort()).toEqual([
      'gone.1.txt',
      'gone.2.txt.error.json',
      'gone.txt.error.json',
    ]);
  });

  it.each([
    ['ASCII', `${'a'.repeat(246)}.txt`],
    ['three-byte characters', `${'語'.repeat(83)}.txt`],
  ])('reports a file whose name is too long for <name>.error.json (%s)', async (_, name) => {
    expect(Buffer.byteLength(name)).toBeGreaterThanOrEqual(250);
    await writeFile(join(inbox, name), '');
    expect(await moveToFailed(inbox, join(inbox, name), EMPTY)).toBe(join(inbox, 'failed', name));
    const report = reportName(name);
    expect(Buffer.byteLength(report)).toBeLessThanOrEqual(255);
    expect(report).toMatch(/\.error\.json$/);
    expect(name.startsWith(report.slice(0, 40))).toBe(true);
    expect((await readdir(join(inbox, 'failed'))).sort()).toEqual([name, report].sort());
    expect(await reportIn('failed', report)).toMatchObject({ code: 'INPUT_EMPTY', file: name });
  });

  it('shortens a long name that is taken rather than fail the move', async () => {
    const name = `${'b'.repeat(251)}.txt`;
    for (const content of ['one', 'two']) {
      await writeFile(join(inbox, name), content);
      await moveToFailed(inbox, join(inbox, name), EMPTY);
    }
    const names = await readdir(join(inbox, 'failed'));
    expect(names).toHaveLength(4);
    for (const found of names) expect(Buffer.byteLength(found)).toBeLessThanOrEqual(255);
    const second = names.find((found) => found !== name && !found.endsWith('.error.json')) as string;
    expect(await readFile(join(inbox, 'failed', second), 'utf8')).toBe('two');
    expect(await reportIn('failed', reportName(second))).toMatchObject({ file: second });
  });

  it('gives every file its own report when two processes fail names that collide', async () => {
    const { originals, targets } = await race('failed');
    const names = await readdir(join(inbox, 'failed'));
    const reports = new Set(targets.map((target) => reportName(basename(target as string))));
    const inputs = names.filter((name) => !reports.has(name));
    const survivors = new Set(
      await Promise.all(inputs.map(async (name) => digest(await readFile(join(inbox, 'failed', name))))),
    );
    expect(originals.filter((original) => !survivors.has(original)).length, 'originals lost').toBe(0);
    expect(names.length).toBe(originals.length + 2 * RACED);
    for (const target of targets) {
      expect(await reportIn('failed', reportName(basename(target as string)))).toMatchObject({
        file: basename(target as string),
      });
    }
  }, 60_000);
});
