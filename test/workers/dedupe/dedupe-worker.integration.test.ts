import { UnrecoverableError } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pipelinePrefix } from '../../../lib/keys.ts';
import { dedupeProcessor } from '../../../workers/dedupe/dedupe-worker.ts';
import { fingerprintArticle } from '../../../workers/dedupe/fingerprint.ts';
import { NearDuplicateIndex } from '../../../workers/dedupe/near-duplicate-index.ts';
import { createTestPipeline, type TestPipeline } from '../../pipeline-harness.ts';
import { jobOf } from '../stage-processors.ts';

const STORY =
  'The city council voted on Tuesday to close the old harbour bridge for repairs that will take ' +
  'most of next year, after engineers found cracks in two of its supports during an inspection.';

let pipeline: TestPipeline;
let dedupe: ReturnType<typeof dedupeProcessor>;

beforeEach(async () => {
  pipeline = await createTestPipeline();
  dedupe = dedupeProcessor(
    new NearDuplicateIndex(pipeline.redis, { prefix: pipelinePrefix(pipeline.config) }),
  );
});

afterEach(() => pipeline.cleanup());

const job = (body: string) =>
  jobOf({ data: { fingerprint: { ...fingerprintArticle({ title: '', body }) } } });

describe('the dedupe stage processor', () => {
  it('claims a new article, and gives its id to a near-duplicate of it', async () => {
    const first = await dedupe(job(STORY));
    expect(first.isNew).toBe(true);
    const edited = `${STORY} The bridge is expected to reopen in the spring.`;
    expect(await dedupe(job(edited))).toEqual({ articleId: first.articleId, isNew: false });
  });

  it('answers a retry of the same claim as the first time (idempotent)', async () => {
    const first = await dedupe(job(STORY));
    expect(await dedupe(job(STORY))).toEqual(first);
  });

  it('refuses a payload that breaks the queue contract, for good', async () => {
    await expect(dedupe(jobOf({ data: { fingerprint: 'not an object' } }))).rejects.toBeInstanceOf(
      UnrecoverableError,
    );
  });
});
