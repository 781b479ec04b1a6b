/**
 * The index stage's batcher on the real Elasticsearch, with the real index template: the merge
 * policy's cases end in the same document as mergeSighting alone gives, and the same article
 * sent by many workers at once ends as one document with every sighting once.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  concreteIndexName,
  ensureArticleIndex,
  templateName,
} from '../../../infra/elasticsearch/article-index.ts';
import type { ArticleDocument } from '../../../lib/article-document.ts';
import { loadConfig } from '../../../lib/config.ts';
import { createElasticsearch } from '../../../lib/connections.ts';
import { fingerprintArticle } from '../../../workers/dedupe/fingerprint.ts';
import { NearDuplicateIndex } from '../../../workers/dedupe/near-duplicate-index.ts';
import type { BulkAck } from '../../../workers/index/bulk-batcher.ts';
import { articleBatcher } from '../../../workers/index/index-worker.ts';
import { MERGE_CASES, proposal, story } from './merge-policy-cases.ts';

const config = loadConfig();
const es = createElasticsearch(config);
const alias = `test-index-worker-${randomUUID()}`;

beforeAll(async () => {
  await ensureArticleIndex(es, alias);
});

afterAll(async () => {
  await es.indices.delete({ index: concreteIndexName(alias), ignore_unavailable: true });
  await es.indices.deleteIndexTemplate({ name: templateName(alias) });
  await es.close();
});

async function read(id: string): Promise<ArticleDocument> {
  return (await es.get<ArticleDocument>({ index: alias, id }))._source as ArticleDocument;
}

describe('articleBatcher', () => {
  const batcher = articleBatcher(es, { index: alias });
  afterAll(() => batcher.close());

  describe.each([
    ['one request per sighting', false],
    ['every sighting in one request', true],
  ])('with %s', (_, together) => {
    it.each(MERGE_CASES)('$name', async ({ proposals, results, expected }) => {
      const id = randomUUID();
      const acks: BulkAck[] = [];
      if (together) acks.push(...(await Promise.all(proposals(id).map((next) => batcher.submit(next)))));
      else for (const next of proposals(id)) acks.push(await batcher.submit(next));
      expect(acks.map((ack) => ack.result)).toEqual(results);
      expect(await read(id)).toMatchObject(expected);
    });
  });

  it('ends with one document and all 50 sightings once each when 8 workers claim and index the same article at once', async () => {
    const prefix = `{test-${randomUUID()}}`;
    const workers = Array.from({ length: 8 }, () => ({
      redis: new Redis(config.redisUrl),
      elasticsearch: createElasticsearch(config),
    }));
    const rejections: string[] = [];
    const batchers = workers.map((worker) =>
      articleBatcher(worker.elasticsearch, {
        index: alias,
        onBulk: (report) => rejections.push(...report.rejections),
      }),
    );
    try {
      // The article as aggregators show it: teasers of 40-89 % and the full story with an ad line.
      const words = story.split(' ');
      const bodies = Array.from({ length: 50 }, (_, i) =>
        i % 2
          ? words.slice(0, Math.round(words.length * (0.4 + i / 100))).join(' ')
          : `${story}\n\nAd number ${i}`,
      );
      const proposals = await Promise.all(
        bodies.map(async (body, i) => {
          const dedupe = new NearDuplicateIndex(workers[i % 8]?.redis as Redis, { prefix });
          const { articleId } = await dedupe.claim(fingerprintArticle({ title: '', body }));
          // File hashes of this test only, so the search below sees no other test's sightings.
          return proposal(articleId, i, body, { sighting: { fileHash: `${prefix}-${i}` } });
        }),
      );
      const ids = new Set(proposals.map((next) => next.articleId));
      expect(ids.size).toBe(1);
      const [id] = [...ids] as [string];

      // Every sighting once, and every fifth again on another worker (a retried job), all at once.
      const sends = [
        ...proposals.map((next, i) => ({ next, worker: i % 8 })),
        ...proposals.filter((_, i) => i % 5 === 0).map((next, i) => ({ next, worker: (i + 3) % 8 })),
      ];
      // Half of them hinted as new (as a claim's isNew may wrongly say): their creates race and 409.
      const acks = await Promise.all(
        sends.map(({ next, worker }, i) => batchers[worker]?.submit(next, { likelyNew: i % 2 === 0 })),
      );
      const results = acks.map((ack) => ack?.result);
      expect(results.filter((result) => result === 'created')).toHaveLength(1);
      expect(results.filter((result) => result === 'updated')).toHaveLength(49);
      expect(results.filter((result) => result === 'noop')).toHaveLength(10);
      // The workers really raced: some writes met another's and were merged again.
      expect(new Set(rejections)).toEqual(new Set(['version_conflict_engine_exception']));

      await es.indices.refresh({ index: alias });
      const found = await es.search({
        index: alias,
        query: { terms: { sightingKeys: proposals.map((next) => next.sightingKey) } },
      });
      expect(found.hits.hits.map((hit) => hit._id)).toEqual([id]);
      const doc = await read(id);
      expect(doc.sightingCount).toBe(50);
      expect(doc.sightings).toHaveLength(50);
      expect(new Set(doc.sightingKeys)).toEqual(new Set(proposals.map((next) => next.sightingKey)));
      expect(doc.wordCount).toBe(Math.max(...proposals.map((next) => next.version.wordCount)));
      expect(bodies).toContain(doc.body);
    } finally {
      await Promise.all(batchers.map((batcher) => batcher.close()));
      await new NearDuplicateIndex(workers[0]?.redis as Redis, { prefix }).clear();
      for (const worker of workers) {
        worker.redis.disconnect();
        await worker.elasticsearch.close();
      }
    }
  });
});
