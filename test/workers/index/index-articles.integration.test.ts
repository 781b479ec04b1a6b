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
import type { Article } from '../../../lib/article.ts';
import type { ArticleDocument } from '../../../lib/article-document.ts';
import { loadConfig } from '../../../lib/config.ts';
import { createElasticsearch } from '../../../lib/connections.ts';
import { ServiceError } from '../../../lib/errors.ts';
import { fingerprintArticle } from '../../../workers/dedupe/fingerprint.ts';
import { NearDuplicateIndex } from '../../../workers/dedupe/near-duplicate-index.ts';
import type { BulkAck } from '../../../workers/index/bulk-batcher.ts';
import { articleBatcher, indexArticles } from '../../../workers/index/index-articles.ts';
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

describe('indexArticles', () => {
  const file = {
    fileName: 'page.txt',
    fileHash: 'c'.repeat(64),
    run: 1,
    inboxPath: null,
    origin: 'ingest' as const,
    capturedAt: '2025-07-27T12:00:00.000Z',
  };
  const article = (body: string): Article => ({
    title: 'A title',
    lead: null,
    body,
    source: 'Express',
    published: null,
    publishedAt: null,
    primary: true,
    language: 'en',
    wordCount: body.split(' ').length,
  });
  const claim = (articleId: string, body: string) => ({
    articleId,
    isNew: true,
    exactFingerprint: fingerprintArticle({ title: '', body }).exact,
  });

  it('records each article under its claim, and says which documents it created', async () => {
    const batcher = articleBatcher(es, { index: alias });
    try {
      const [one, two] = [randomUUID(), randomUUID()];
      const results = await indexArticles(
        batcher,
        file,
        [article(story), article(`${story} Another ending.`)],
        [claim(one, story), claim(two, `${story} Another ending.`)],
      );
      expect(results).toEqual([{ created: true }, { created: true }]);
      expect((await read(one)).sightingKeys).toEqual([`${'c'.repeat(64)}:0`]);
      // The same file again (a retried job): nothing doubles.
      expect(await indexArticles(batcher, file, [article(story)], [claim(one, story)])).toEqual([
        { created: false },
      ]);
      expect((await read(one)).sightingCount).toBe(1);
    } finally {
      await batcher.close();
    }
  });

  it('reports an article refused for good as its result, and throws what a retry may fix', async () => {
    const refused = new ServiceError('ELASTICSEARCH_REJECTED', 'mapping', { retryable: false });
    const away = new ServiceError('ELASTICSEARCH_UNAVAILABLE', 'no answer');
    const failing = (error: Error) => ({ submit: () => Promise.reject(error) });
    expect(await indexArticles(failing(refused), file, [article(story)], [claim('x', story)])).toEqual([
      { failure: { code: 'ELASTICSEARCH_REJECTED', message: 'mapping' } },
    ]);
    await expect(indexArticles(failing(away), file, [article(story)], [claim('x', story)])).rejects.toBe(
      away,
    );
  });
});
