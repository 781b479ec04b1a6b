/**
 * lib/inbox.ts where `link()` is refused (a file of another user under `fs.protected_hardlinks`,
 * a file system without hard links): the move falls back to renaming onto a reserved name, and
 * still never replaces a file.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { moveToDone } from '../../lib/inbox.ts';

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const refused = Object.assign(new Error('EPERM: operation not permitted, link'), { code: 'EPERM' });
  return { ...actual, link: vi.fn(async () => Promise.reject(refused)) };
});

let inbox: string;
beforeEach(async () => {
  inbox = await mkdtemp(join(tmpdir(), 'sluice-inbox-test-'));
});
afterEach(async () => {
  await rm(inbox, { recursive: true, force: true });
});

describe('moveToDone without hard links', () => {
  it('moves the file, and keeps both when the name is taken', async () => {
    await mkdir(join(inbox, 'done'));
    await writeFile(join(inbox, 'done', 'page.txt'), 'first');
    await writeFile(join(inbox, 'page.txt'), 'second');
    expect(await moveToDone(inbox, join(inbox, 'page.txt'))).toBe(join(inbox, 'done', 'page.1.txt'));
    expect(await readFile(join(inbox, 'done', 'page.txt'), 'utf8')).toBe('first');
    expect(await readFile(join(inbox, 'done', 'page.1.txt'), 'utf8')).toBe('second');
    expect(await readdir(inbox)).toEqual(['done']);
  });

  it('gives colliding names moved at once a name each', async () => {
    await mkdir(join(inbox, 'done'));
    await writeFile(join(inbox, 'done', 'p.txt'), 'old');
    await writeFile(join(inbox, 'p.txt'), 'new');
    await writeFile(join(inbox, 'p.1.txt'), 'other');
    await Promise.all([moveToDone(inbox, join(inbox, 'p.txt')), moveToDone(inbox, join(inbox, 'p.1.txt'))]);
    const names = await readdir(join(inbox, 'done'));
    const contents = await Promise.all(names.map((name) => readFile(join(inbox, 'done', name), 'utf8')));
    expect(contents.sort()).toEqual(['new', 'old', 'other']);
  });

  it('returns null and leaves no reservation when the file is gone', async () => {
    expect(await moveToDone(inbox, join(inbox, 'missing.txt'))).toBeNull();
    expect(await readdir(join(inbox, 'done'))).toEqual([]);
  });
});
