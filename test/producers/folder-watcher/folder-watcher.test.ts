import { writeFileSync } from 'node:fs';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../lib/logger.ts';
import { FolderWatcher } from '../../../producers/folder-watcher/folder-watcher.ts';
import { eventually } from '../../eventually.ts';

let inbox: string;
let watcher: FolderWatcher | undefined;
/** Names submitted, in order: a submitter that records instead of queueing. */
let submitted: string[];
const recorder = {
  submitPath: async (path: string) => {
    submitted.push(basename(path));
    return { outcome: 'queued' as const, fileName: basename(path), fileHash: 'h', run: 1 };
  },
};

beforeEach(async () => {
  inbox = await mkdtemp(join(tmpdir(), 'sluice-watch-'));
  submitted = [];
});

afterEach(async () => {
  await watcher?.close();
  await rm(inbox, { recursive: true, force: true });
});

async function startWatching(): Promise<FolderWatcher> {
  watcher = new FolderWatcher(recorder, createLogger({ level: 'silent' }), { inbox, stabilityMs: 100 });
  await watcher.start();
  return watcher;
}

describe('FolderWatcher', () => {
  it('submits the files already there at start, and new ones, but not hidden or partial ones', async () => {
    await writeFile(join(inbox, 'before.txt'), 'a');
    await writeFile(join(inbox, '.hidden.txt'), 'b');
    await startWatching();
    await writeFile(join(inbox, 'after.txt'), 'c');
    await writeFile(join(inbox, 'download.txt.part'), 'd');
    await eventually(async () => (submitted.length === 2 ? true : undefined), 5000);
    // A full rescan looks at every name in the folder again: the hidden and partial ones still stay out.
    await watcher?.rescan();
    expect(submitted.sort()).toEqual(['after.txt', 'before.txt']);
  });

  it('submits a file written under a temporary name once, under its final name', async () => {
    await startWatching();
    await writeFile(join(inbox, 'page.txt.tmp'), 'growing...');
    await rename(join(inbox, 'page.txt.tmp'), join(inbox, 'page.txt'));
    await eventually(async () => (submitted.length === 1 ? true : undefined), 5000);
    await watcher?.rescan();
    expect(submitted).toEqual(['page.txt']);
  });

  it('keeps a file caught in its move out of the inbox until the sweep is due, not submitting it at each rescan', async () => {
    const outcomes: string[] = [];
    const moving = {
      submitPath: async (path: string) => {
        submitted.push(basename(path));
        return { outcome: 'moving' as const, fileName: basename(path) };
      },
    };
    watcher = new FolderWatcher(moving, createLogger({ level: 'silent' }), {
      inbox,
      stabilityMs: 100,
      onSubmission: (submission) => outcomes.push(submission.outcome),
    });
    await watcher.start();
    await writeFile(join(inbox, 'page.txt'), 'a');
    await eventually(async () => (outcomes.length === 1 ? true : undefined), 5000);
    await new Promise((resolve) => setTimeout(resolve, 300)); // older than the stability time
    await watcher.rescan();
    await watcher.rescan();
    expect(submitted).toEqual(['page.txt']);
  });

  it('submits every file of a burst of 2000 exactly once', async () => {
    await startWatching();
    for (let i = 0; i < 2000; i++) writeFileSync(join(inbox, `page-${i}.txt`), `page ${i}`);
    await eventually(async () => (submitted.length >= 2000 ? true : undefined), 60_000, 100);
    await watcher?.rescan();
    expect(submitted.length).toBe(2000);
    expect(new Set(submitted).size).toBe(2000);
  }, 90_000);
});
