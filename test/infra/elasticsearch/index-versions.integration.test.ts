import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import {
  concreteIndexName,
  createVersionIndex,
  currentIndex,
  ensureArticleIndex,
  indexVersion,
  swapAlias,
  templateName,
} from '../../../infra/elasticsearch/article-index.ts';
import { createElasticsearch } from '../../../lib/connections.ts';

const elasticsearch = createElasticsearch({
  elasticsearch: { url: process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200' },
});
const aliases: string[] = [];

afterAll(async () => {
  for (const alias of aliases) {
    await elasticsearch.indices.delete({
      index: [1, 2].map((n) => concreteIndexName(alias, n)),
      ignore_unavailable: true,
    });
    await elasticsearch.indices.deleteIndexTemplate({ name: templateName(alias) }).catch(() => undefined);
  }
  await elasticsearch.close();
});

describe('index versions', () => {
  it('reads N from <alias>-v<N> and nothing else', () => {
    expect(indexVersion('news', 'news-v1')).toBe(1);
    expect(indexVersion('news', 'news-v12')).toBe(12);
    expect(indexVersion('news', 'news-v0')).toBeNull();
    expect(indexVersion('news', 'news-v2x')).toBeNull();
    expect(indexVersion('news', 'other-v2')).toBeNull();
  });

  it('creates v2 from the template and swaps the alias in one request: searches see one index throughout', async () => {
    const alias = `test-index-${randomUUID().slice(0, 12)}`;
    aliases.push(alias);
    await ensureArticleIndex(elasticsearch, alias);
    expect(await currentIndex(elasticsearch, alias)).toEqual({ index: concreteIndexName(alias), version: 1 });
    await elasticsearch.index({ index: alias, id: 'old', document: { title: 'old' }, refresh: true });

    const next = concreteIndexName(alias, 2);
    expect(await createVersionIndex(elasticsearch, next)).toBe(true);
    expect(await createVersionIndex(elasticsearch, next)).toBe(false);
    const mapping = (await elasticsearch.indices.getMapping({ index: next }))[next]?.mappings;
    expect(mapping?.properties?.sightings).toMatchObject({ type: 'nested' });
    await elasticsearch.index({ index: next, id: 'new', document: { title: 'new' }, refresh: true });

    // Searches during the swap find one document, never both or none.
    let stop = false;
    const seen = new Set<number>();
    const searching = (async () => {
      while (!stop) seen.add((await elasticsearch.count({ index: alias })).count);
    })();
    await swapAlias(elasticsearch, alias, concreteIndexName(alias), next);
    await new Promise((resolve) => setTimeout(resolve, 100));
    stop = true;
    await searching;
    expect([...seen]).toEqual([1]);
    expect(await currentIndex(elasticsearch, alias)).toEqual({ index: next, version: 2 });
    expect(Object.keys(await elasticsearch.indices.getAlias({ name: alias }))).toEqual([next]);
    const hit = await elasticsearch.search({ index: alias });
    expect(hit.hits.hits.map((h) => h._id)).toEqual(['new']);
  });
});
