import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { link, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { moveToDone, moveToFailed } from '../../lib/inbox.ts';

const run = promisify(execFile);
const MOVER = fileURLToPath(new URL('./inbox-mover-child.ts', import.meta.url));
const digest = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');

let inbox: string;
beforeEach(async () => {
  inbox = await mkdtemp(join(tmpdir(), 'sluice-inbox-test-'));
});
afterEach(async () => {
  await rm(inbox, { recursive: true, force: true });
});

describe('moveToDone', () => {
  it('moves a file into done/ and keeps both when the name is taken', async () => {
    await writeFile(join(inbox, 'page.txt'), 'one');
    expect(await moveToDone(join(inbox, 'page.txt'))).toBe(join(inbox, 'done', 'page.txt'));
    await writeFile(join(inbox, 'page.txt'), 'two');
    expect(await moveToDone(join(inbox, 'page.txt'))).toBe(join(inbox, 'done', 'page.1.txt'));
    expect(await readFile(join(inbox, 'done', 'page.1.txt'), 'utf8')).toBe('two');
  });

  it('finishes a move interrupted between its link and its unlink, without a second copy', async () => {
    await mkdir(join(inbox, 'done'));
    await writeFile(join(inbox, 'page.txt'), 'one');
    await link(join(inbox, 'page.txt'), join(inbox, 'done', 'page.txt'));
    expect(await moveToDone(join(inbox, 'page.txt'))).toBe(join(inbox, 'done', 'page.txt'));
    expect(await readdir(join(inbox, 'done'))).toEqual(['page.txt']);
    expect(await readdir(inbox)).toEqual(['done']);
  });

  it('returns null when the file is already gone', async () => {
    expect(await moveToDone(join(inbox, 'missing.txt'))).toBeNull();
  });

  // Issue 13, item 1: a check for a free name then a rename() replaced files moved in between.
  it('never replaces a file in done/ when two processes move names that collide', async () => {
    const count = 300;
    const originals: string[] = [];
    const write = async (path: string) => {
      const content = `${path} ${Math.random()}\n`;
      originals.push(digest(content));
      await writeFile(path, content);
    };
    await mkdir(join(inbox, 'done'));
    const first: string[] = [];
    const second: string[] = [];
    for (let i = 0; i < count; i++) {
      // done/p<i>.txt is taken, so the new p<i>.txt and p<i>.1.txt both want done/p<i>.1.txt.
      await write(join(inbox, 'done', `p${i}.txt`));
      first.push(join(inbox, `p${i}.txt`));
      second.push(join(inbox, `p${i}.1.txt`));
    }
    for (const path of [...first, ...second]) await write(path);

    const startAt = String(Date.now() + 1500);
    const runs = await Promise.all(
      [first, second].map((paths) =>
        run(process.execPath, ['--import', 'tsx', MOVER, startAt, ...paths], { encoding: 'utf8' }),
      ),
    );
    const names = await readdir(join(inbox, 'done'));
    const survivors = new Set(
      await Promise.all(names.map(async (name) => digest(await readFile(join(inbox, 'done', name))))),
    );
    expect(originals.filter((original) => !survivors.has(original)).length, 'originals lost').toBe(0);
    expect(names.length).toBe(3 * count);
    expect(await readdir(inbox)).toEqual(['done']);
    const targets = runs.flatMap((result) => JSON.parse(result.stdout) as Array<string | null>);
    expect(new Set(targets).size).toBe(2 * count);
  }, 60_000);
});

describe('moveToFailed', () => {
  it('moves the file into failed/ with a readable <name>.error.json beside it', async () => {
    await writeFile(join(inbox, 'blob.bin'), Buffer.from([0, 1, 2]));
    await moveToFailed(join(inbox, 'blob.bin'), {
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
    await moveToFailed(join(inbox, 'gone.txt'), { code: 'X', message: 'm', stage: 'index' });
    expect(await readdir(join(inbox, 'failed'))).toEqual(['gone.txt.error.json']);
  });
});
