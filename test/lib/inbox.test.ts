import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { moveToDone, moveToFailed } from '../../lib/inbox.ts';

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

  it('returns null when the file is already gone', async () => {
    expect(await moveToDone(join(inbox, 'missing.txt'))).toBeNull();
  });
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
