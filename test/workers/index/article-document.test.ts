import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client } from '@elastic/elasticsearch';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Article } from '../../../lib/article.ts';
import { fingerprintArticle } from '../../../workers/dedupe/fingerprint.ts';
import { NearDuplicateIndex } from '../../../workers/dedupe/near-duplicate-index.ts';
import {
  type ArticleDocument,
  type ArticleUpsert,
  type Sighting,
  toBulkUpsert,
} from '../../../workers/index/article-document.ts';

const bench: Record<string, { body: string }> = JSON.parse(
  readFileSync(new URL('../../fixtures/dedupe/article-bench-bodies.json', import.meta.url), 'utf8'),
);
const story = (bench.ba4dfe2d3e817ff7 as { body: string }).body;
const capturedAt = new Date('2025-07-27T12:00:00Z');

function article(body: string, overrides: Partial<Article> = {}): Article {
  return {
    title: 'Bubonic plague: China confirms cases',
    lead: null,
    body,
    source: 'Express',
    published: '2 hours ago',
    publishedAt: null,
    primary: false,
    language: 'en',
    wordCount: body.split(/\s+/).filter(Boolean).length,
    ...overrides,
  };
}

function sighting(n: number, overrides: Partial<Sighting> = {}): Sighting {
  return {
    file: `inbox/page-${n}.txt`,
    fileHash: `hash-${n}`,
    articleIndex: n % 3,
    source: n % 2 ? 'Express' : 'Time of India',
    seenAt: new Date(capturedAt.getTime() + n * 60_000).toISOString(),
    ...overrides,
  };
}

afterAll(() => es.close());

describe('toBulkUpsert', () => {
  it('is one update operation with the article id and a script that does not vary with the article', () => {
    const [action, body] = toBulkUpsert('abc', article(story), sighting(1), capturedAt);
    const [, other] = toBulkUpsert('def', article('Other words entirely.'), sighting(2), capturedAt);
    expect(action.update._id).toBe('abc');
    expect(body.scripted_upsert).toBe(true);
    expect(body.script).toMatchObject({ lang: 'painless' });
    expect((body.script as { source: string }).source).toBe((other.script as { source: string }).source);
  });
});

const es = new Client({ node: 'http://127.0.0.1:9200' });
// The merge policy is a painless script; the local development node is built without the
// lang-painless module (infra/README.md), and there the index stage merges in the worker instead.
const nodes = await es.nodes.info({ metric: 'plugins' });
const hasPainless = Object.values(nodes.nodes).some((node) =>
  node.modules?.some((m) => m.name === 'lang-painless'),
);

describe.skipIf(!hasPainless)('toBulkUpsert on Elasticsearch', () => {
  const index = `test-article-document-${randomUUID()}`;

  beforeAll(async () => {
    await es.indices.create({
      index,
      mappings: {
        dynamic: 'strict',
        properties: {
          title: { type: 'text' },
          lead: { type: 'text' },
          body: { type: 'text' },
          source: { type: 'keyword' },
          published: { type: 'keyword' },
          publishedAt: { type: 'date' },
          capturedAt: { type: 'date' },
          timestamp: { type: 'date' },
          language: { type: 'keyword' },
          wordCount: { type: 'integer' },
          fingerprint: { type: 'keyword' },
          sightings: {
            type: 'nested',
            properties: {
              file: { type: 'keyword' },
              fileHash: { type: 'keyword' },
              articleIndex: { type: 'integer' },
              source: { type: 'keyword' },
              seenAt: { type: 'date' },
            },
          },
          sightingKeys: { type: 'keyword' },
          sightingCount: { type: 'integer' },
          duplicateCount: { type: 'integer' },
          sources: { type: 'keyword' },
          firstSeen: { type: 'date' },
          lastSeen: { type: 'date' },
        },
      },
    });
  });
  afterAll(async () => {
    await es.indices.delete({ index, ignore_unavailable: true });
  });

  /** Sends operations in one bulk request and re-sends those that failed, as the index worker does. */
  async function apply(operations: ArticleUpsert[]): Promise<void> {
    let pending = operations;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === 5) throw new Error(`${pending.length} operations still failing`);
      const response = await es.bulk({ index, operations: pending.flat() });
      pending = pending.filter((_, i) => response.items[i]?.update?.error);
    }
  }

  async function read(id: string): Promise<ArticleDocument> {
    return (await es.get<ArticleDocument>({ index, id }))._source as ArticleDocument;
  }

  it('creates the document on the first sighting with every field', async () => {
    const id = randomUUID();
    await apply([toBulkUpsert(id, article(story), sighting(1), capturedAt)]);
    const doc = await read(id);
    expect(doc).toMatchObject({
      title: 'Bubonic plague: China confirms cases',
      body: story,
      source: 'Express',
      capturedAt: capturedAt.toISOString(),
      timestamp: capturedAt.toISOString(),
      sightingCount: 1,
      duplicateCount: 0,
      sources: ['Express'],
      firstSeen: sighting(1).seenAt,
      lastSeen: sighting(1).seenAt,
      fingerprint: fingerprintArticle({ title: '', body: story }).exact,
    });
    expect(doc.sightings).toEqual([sighting(1)]);
  });

  it('keeps the fullest body and title and records every sighting, once each', async () => {
    const id = randomUUID();
    const teaser = story.split(' ').slice(0, 80).join(' ');
    const earlier = new Date(capturedAt.getTime() - 3_600_000);
    await apply([toBulkUpsert(id, article(teaser, { title: 'Plague teaser' }), sighting(1), capturedAt)]);
    await apply([
      toBulkUpsert(id, article(story, { publishedAt: '2025-07-27T09:00:00.000Z' }), sighting(2), earlier),
    ]);
    await apply([toBulkUpsert(id, article(teaser, { title: 'Shorter again' }), sighting(3), capturedAt)]);
    // A retry of sighting 2 and a same-length version: neither changes anything.
    await apply([toBulkUpsert(id, article(story), sighting(2), capturedAt)]);
    await apply([toBulkUpsert(id, article(story.toUpperCase(), { title: 'Tie' }), sighting(4), capturedAt)]);
    const doc = await read(id);
    expect(doc.body).toBe(story);
    expect(doc.title).toBe('Bubonic plague: China confirms cases');
    expect(doc.sightings.map((s) => s.fileHash)).toEqual(['hash-1', 'hash-2', 'hash-3', 'hash-4']);
    expect(doc).toMatchObject({
      sightingCount: 4,
      duplicateCount: 3,
      sources: ['Express', 'Time of India'],
      firstSeen: sighting(1).seenAt,
      lastSeen: sighting(4).seenAt,
      capturedAt: earlier.toISOString(),
      timestamp: '2025-07-27T09:00:00.000Z',
    });
  });

  it('ends with one document and all sightings when 50 workers claim and index the same article at once', async () => {
    const prefix = `{test-${randomUUID()}}`;
    const connections = Array.from({ length: 8 }, () => new Redis('redis://127.0.0.1:6379'));
    try {
      const words = story.split(' ');
      const bodies = Array.from({ length: 50 }, (_, i) =>
        i % 2
          ? words.slice(0, Math.round(words.length * (0.4 + i / 100))).join(' ')
          : `${story}\n\nAd number ${i}`,
      );
      const operations = await Promise.all(
        bodies.map(async (body, i) => {
          const dedupe = new NearDuplicateIndex(connections[i % connections.length] as Redis, { prefix });
          const { articleId } = await dedupe.claim(fingerprintArticle({ title: '', body }));
          return toBulkUpsert(articleId, article(body), sighting(i), capturedAt);
        }),
      );
      // Ten concurrent bulk requests, and every operation sent twice (a retried job).
      const batches = Array.from({ length: 10 }, (_, b) => operations.filter((_, i) => i % 10 === b));
      await Promise.all([...batches, ...batches].map((batch) => apply(batch)));
      await es.indices.refresh({ index });
      const ids = new Set(operations.map(([action]) => action.update._id));
      expect(ids.size).toBe(1);
      const [id] = [...ids] as [string];
      const found = await es.search<ArticleDocument>({
        index,
        query: { terms: { sightingKeys: operations.map((_, i) => `hash-${i}:${i % 3}`) } },
      });
      expect(found.hits.hits.map((hit) => hit._id)).toEqual([id]);
      const doc = await read(id);
      expect(doc.sightingCount).toBe(50);
      expect(new Set(doc.sightings.map((s) => s.fileHash)).size).toBe(50);
      expect(doc.body).toBe(bodies.reduce((a, b) => (article(b).wordCount > article(a).wordCount ? b : a)));
    } finally {
      await new NearDuplicateIndex(connections[0] as Redis, { prefix }).clear();
      for (const connection of connections) connection.disconnect();
    }
  });
});
