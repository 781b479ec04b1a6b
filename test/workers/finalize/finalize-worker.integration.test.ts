import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileLedger } from '../../../lib/file-ledger.ts';
import { pipelinePrefix } from '../../../lib/keys.ts';
import { createLogger } from '../../../lib/logger.ts';
import { finalizeProcessor } from '../../../workers/finalize/finalize-worker.ts';
import { createTestPipeline, type TestPipeline } from '../../pipeline-harness.ts';
import { claimedFile, jobOf } from '../stage-processors.ts';

let pipeline: TestPipeline;
let ledger: FileLedger;

beforeEach(async () => {
  pipeline = await createTestPipeline();
  ledger = new FileLedger(pipeline.redis, {
    prefix: pipelinePrefix(pipeline.config),
    inbox: pipeline.config.inbox,
  });
});

afterEach(() => pipeline.cleanup());

const finalize = () => finalizeProcessor({ ledger, logger: createLogger({ level: 'silent' }) });
const indexed = (articleIndex: number, created: boolean) => ({
  articleId: `a${articleIndex}`,
  isNew: created,
  articleIndex,
  created,
});

describe('the finalize stage processor', () => {
  it('moves a file whose articles are all in to done/, and records the counts', async () => {
    const file = await claimedFile(ledger, pipeline.config.inbox, 'page.txt', 'A page');
    const outcome = await finalize()(
      jobOf({
        data: { file, articles: 2 },
        childrenValues: { 'k:index:1': indexed(0, true), 'k:index:2': indexed(1, false) },
      }),
    );
    expect(outcome).toEqual({ status: 'done', articles: 2, newArticles: 1 });
    await access(join(pipeline.config.inbox, 'done', 'page.txt'));
    expect(await ledger.get(file.fileHash)).toMatchObject({ status: 'done', articles: 2, newArticles: 1 });
  });

  it('moves a file with a failed article to failed/, reporting the first failure and its stage', async () => {
    const file = await claimedFile(ledger, pipeline.config.inbox, 'page.txt', 'A page');
    const outcome = await finalize()(
      jobOf({
        data: { file, articles: 2 },
        childrenValues: { 'k:index:1': indexed(0, true) },
        childrenFailures: { '{p}:index:abc-1-1': 'ELASTICSEARCH_REJECTED: mapping' },
      }),
    );
    expect(outcome).toMatchObject({
      status: 'failed',
      failure: { code: 'ELASTICSEARCH_REJECTED', stage: 'index' },
    });
    const report = JSON.parse(
      await readFile(join(pipeline.config.inbox, 'failed', 'page.txt.error.json'), 'utf8'),
    );
    expect(report).toMatchObject({ code: 'ELASTICSEARCH_REJECTED', stage: 'index' });
    expect(report.message).toMatch(/^1 of 2 articles failed; first: mapping/);
  });
});
