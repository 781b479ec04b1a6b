/**
 * Copies of a file in flight settle with it, the same way (issue 13, item 4): three copies of a
 * page moved in together used to send two to done/ as "repeats" at once, whatever became of the
 * content they repeat.
 */
import { readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createTestPipeline,
  type RunningPipeline,
  startPipeline,
  type TestPipeline,
} from '../pipeline-harness.ts';
import { auditWhenSettled, expectBalanced } from './fault-harness.ts';

let pipeline: TestPipeline | undefined;
let running: RunningPipeline | undefined;

afterEach(async () => {
  await running?.close();
  await pipeline?.cleanup();
});

/** Three copies of `content`, written aside and moved in together, as a scraper's retries would. */
async function dropCopies(p: TestPipeline, content: string): Promise<string[]> {
  const names = ['copy-1.txt', 'copy-2.txt', 'copy-3.txt'];
  for (const name of names) await writeFile(join(p.config.inbox, `.${name}.part`), content);
  await Promise.all(
    names.map((name) => rename(join(p.config.inbox, `.${name}.part`), join(p.config.inbox, name))),
  );
  return names;
}

describe('copies of a file in flight', () => {
  it('all go to failed/, each with its report, when the content they share has no article', async () => {
    pipeline = await createTestPipeline();
    const p = pipeline;
    running = await startPipeline(p.config, p.elasticsearch);
    const names = await dropCopies(p, 'Menu\nHome\nAbout us\nContact\n');
    const report = await auditWhenSettled(p.config, 30_000);
    await expectBalanced(p, report);
    expect(report.files).toMatchObject({ inbox: 0, done: 0, failed: 3, failedReports: 3 });
    expect((await readdir(join(p.config.inbox, 'failed'))).sort()).toEqual(
      names.flatMap((name) => [name, `${name}.error.json`]).sort(),
    );
  });

  it('all go to done/ once the content they share is indexed', async () => {
    pipeline = await createTestPipeline();
    const p = pipeline;
    running = await startPipeline(p.config, p.elasticsearch);
    const page = `Harbour bridge to close for a year\n\n${'The city council voted on Tuesday to close the old harbour bridge for repairs. '.repeat(8)}\n`;
    const names = await dropCopies(p, page);
    const report = await auditWhenSettled(p.config, 30_000);
    await expectBalanced(p, report);
    expect(report.files).toMatchObject({ inbox: 0, done: 3, failed: 0 });
    expect((await readdir(join(p.config.inbox, 'done'))).sort()).toEqual(names);
    expect(report.index.documents).toBe(1);
  });
});
