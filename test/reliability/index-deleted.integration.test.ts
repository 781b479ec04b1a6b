/**
 * Issue 13, item 6: the index deleted while the pipeline runs. Bulk writes to the alias name used
 * to auto-create a concrete index with a dynamic mapping, files were marked done into it, and
 * `sluice audit` then crashed with a raw ResponseError. Now writes require the alias: the files
 * wait (their index jobs retried with ELASTICSEARCH_INDEX_MISSING), the audit says so in one
 * problem, and once setup has created the index again everything settles, balanced.
 */
import { copyFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPipeline } from '../../infra/audit/audit.ts';
import { concreteIndexName } from '../../infra/elasticsearch/article-index.ts';
import { setupPipeline } from '../../infra/elasticsearch/setup-pipeline.ts';
import { createLogger } from '../../lib/logger.ts';
import { eventually } from '../eventually.ts';
import {
  createTestPipeline,
  type RunningPipeline,
  startPipeline,
  type TestPipeline,
} from '../pipeline-harness.ts';
import { AGGREGATOR_PAGES, auditWhenSettled, expectBalanced, silentLogger } from './fault-harness.ts';

const PAGES = 4;
let pipeline: TestPipeline;
let running: RunningPipeline;
const lines: Array<{ msg: string; stage?: string }> = [];

beforeAll(async () => {
  pipeline = await createTestPipeline();
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const logger = createLogger({ level: 'warn', destination });
  running = await startPipeline(pipeline.config, pipeline.elasticsearch, {
    logger,
    policy: { backoffMs: 250 },
  });
});

afterAll(async () => {
  await running?.close();
  await pipeline?.cleanup();
});

describe('the index deleted while the pipeline runs', () => {
  it('keeps files waiting with a clear, retried error until setup repairs it, then settles balanced', {
    timeout: 120_000,
  }, async () => {
    const { config, elasticsearch } = pipeline;
    await elasticsearch.indices.delete({ index: concreteIndexName(config.index) });
    for (let i = 0; i < PAGES; i++) {
      const name = `page-dev-${String(30 + i).padStart(3, '0')}.txt`;
      await copyFile(new URL(name, AGGREGATOR_PAGES), join(config.inbox, name));
    }
    // Found missing by the dedupe stage's lasting-record lookup or by the index stage's writes.
    const missing = (line: { msg: string; stage?: string }) =>
      line.msg.startsWith('Job failed: ELASTICSEARCH_INDEX_MISSING: ');
    await eventually(async () => (lines.filter(missing).length >= 2 * PAGES ? true : undefined), 60_000, 100);

    expect(await elasticsearch.indices.exists({ index: config.index })).toBe(false);
    expect(await readdir(join(config.inbox, 'done')).catch(() => [])).toEqual([]);
    const waiting = await auditPipeline(config);
    expect(waiting.problems.map((problem) => problem.kind)).toEqual(['index-unavailable']);
    expect(waiting.problems[0]?.message).toContain(`The alias "${config.index}" does not exist`);

    await setupPipeline(config, elasticsearch, silentLogger);
    const report = await auditWhenSettled(config, 90_000);
    await expectBalanced(pipeline, report);
    expect(report.files).toMatchObject({ inbox: 0, done: PAGES, failed: 0 });
  });
});
