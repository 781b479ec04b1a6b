/**
 * Hostile pages do not stop valid ones (issue 13, item 7): three pages of 100,000 nested
 * `<div><span>` dropped with the 40 aggregator pages. Each hostile page fails alone, at its own
 * limit and with its own code, never retried; every valid page is indexed meanwhile.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../eventually.ts';
import {
  createTestPipeline,
  type RunningPipeline,
  startPipeline,
  type TestPipeline,
} from '../pipeline-harness.ts';
import { AGGREGATOR_PAGES, auditWhenSettled, expectBalanced } from './fault-harness.ts';

/** What one file may take to extract in this test: far above a valid page's time, far below a hostile one's. */
const TIME_LIMIT_MS = 4000;

let pipeline: TestPipeline | undefined;
let running: RunningPipeline | undefined;

afterEach(async () => {
  await running?.close();
  await pipeline?.cleanup();
});

describe('hostile pages among valid ones', () => {
  it('fail alone with their own code while every valid page is indexed', { timeout: 120_000 }, async () => {
    pipeline = await createTestPipeline({
      SLUICE_EXTRACT_TIME_LIMIT_MS: String(TIME_LIMIT_MS),
      SLUICE_EXTRACT_CONCURRENCY: '2',
    });
    const p = pipeline;
    running = await startPipeline(p.config, p.elasticsearch);
    const nested = `<html><body>${'<div><span>'.repeat(100_000)}text`;
    // Three different pages (copies would be one content, settled together).
    for (const n of [1, 2, 3]) await writeFile(join(p.config.inbox, `nested-${n}.html`), `${nested}${n}`);
    const pages = (await readdir(AGGREGATOR_PAGES)).filter((name) => name.endsWith('.txt'));
    for (const name of pages)
      await writeFile(join(p.config.inbox, name), await readFile(new URL(name, AGGREGATOR_PAGES)));

    // The valid pages are all done before the hostile ones could have been given up on twice over.
    const started = Date.now();
    await eventually(async () => {
      const done = await readdir(join(p.config.inbox, 'done')).catch(() => []);
      return done.length === pages.length ? true : undefined;
    }, 60_000);
    console.info(`40 valid pages done ${Date.now() - started} ms after the drop, beside 3 hostile ones.`);

    const report = await auditWhenSettled(p.config, 60_000);
    await expectBalanced(p, report);
    expect(report.files).toMatchObject({ inbox: 0, done: pages.length, failed: 3, failedReports: 3 });
    for (const n of [1, 2, 3]) {
      const reason = JSON.parse(
        await readFile(join(p.config.inbox, 'failed', `nested-${n}.html.error.json`), 'utf8'),
      );
      expect(['INPUT_TOO_COMPLEX', 'INPUT_TOO_DEEP', 'INPUT_TOO_LARGE_IN_MEMORY']).toContain(reason.code);
      expect(reason.stage).toBe('extract');
    }
  });
});
