import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ADDED_FIELDS,
  articleIndexTemplate,
  articleMappings,
  concreteIndexName,
  ensureArticleIndex,
  pickAnalyzer,
  templateName,
} from '../../../infra/elasticsearch/article-index.ts';
import { setupPipeline } from '../../../infra/elasticsearch/setup-pipeline.ts';
import { loadConfig } from '../../../lib/config.ts';
import { createElasticsearch } from '../../../lib/connections.ts';
import { ServiceError } from '../../../lib/errors.ts';
import { createLogger } from '../../../lib/logger.ts';
import { lastingRecordSearch } from '../../../workers/index/lasting-record-search.ts';

const elasticsearch = createElasticsearch(loadConfig());
const aliases: string[] = [];
const others: string[] = [];
const newAlias = () => {
  const alias = `test-index-${randomUUID().slice(0, 12)}`;
  aliases.push(alias);
  return alias;
};

afterAll(async () => {
  for (const alias of aliases) {
    await elasticsearch.indices.delete({
      index: [alias, concreteIndexName(alias)],
      ignore_unavailable: true,
    });
    await elasticsearch.indices.deleteIndexTemplate({ name: templateName(alias) }).catch(() => undefined);
  }
  if (others.length > 0) await elasticsearch.indices.delete({ index: others, ignore_unavailable: true });
  await elasticsearch.close();
});

const conflictOf = async (alias: string) =>
  (await ensureArticleIndex(elasticsearch, alias).catch((caught: unknown) => caught)) as ServiceError;

/** A mapping of someone else's: a title to filter on, sightings as plain keywords. */
const FOREIGN_MAPPINGS = {
  properties: { title: { type: 'keyword' }, sightings: { type: 'keyword' } },
} as const;

describe('ensureArticleIndex', () => {
  it('creates <alias>-v1 behind the alias, with the template mapping and a 1 s refresh', async () => {
    const alias = newAlias();
    expect(await ensureArticleIndex(elasticsearch, alias)).toMatchObject({
      index: `${alias}-v1`,
      created: true,
    });
    const aliasInfo = await elasticsearch.indices.getAlias({ name: alias });
    expect(Object.keys(aliasInfo)).toEqual([`${alias}-v1`]);
    const mapping = (await elasticsearch.indices.getMapping({ index: alias }))[`${alias}-v1`]?.mappings;
    expect(mapping?.properties?.timestamp).toEqual({ type: 'date' });
    expect(mapping?.properties?.sightings).toMatchObject({ type: 'nested' });
    const settings = await elasticsearch.indices.getSettings({ index: alias });
    expect(settings[`${alias}-v1`]?.settings?.index?.refresh_interval).toBe('1s');
  });

  it('gives the index the primaries and replicas asked for (SLUICE_INDEX_SHARDS / SLUICE_INDEX_REPLICAS)', async () => {
    const alias = newAlias();
    await ensureArticleIndex(elasticsearch, alias, { primaries: 2, replicas: 0 });
    const settings = (await elasticsearch.indices.getSettings({ index: alias }))[`${alias}-v1`]?.settings;
    expect(settings?.index).toMatchObject({ number_of_shards: '2', number_of_replicas: '0' });
    // On one node, no replica leaves every shard assigned.
    const health = await elasticsearch.cluster.health({
      index: alias,
      wait_for_status: 'green',
      timeout: '30s',
    });
    expect(health.status).toBe('green');
  });

  it('analyzes the body in English where the node can (stemming)', async () => {
    const alias = newAlias();
    const { analyzer } = await ensureArticleIndex(elasticsearch, alias);
    expect(analyzer).toBe('english');
    const tokens = await elasticsearch.indices.analyze({
      index: alias,
      field: 'body',
      text: 'The sanctions are running',
    });
    expect(tokens.tokens?.map((token) => token.token)).toEqual(['sanction', 'run']);
  });

  it('is idempotent, also when two processes race', async () => {
    const alias = newAlias();
    const results = await Promise.all([
      ensureArticleIndex(elasticsearch, alias),
      ensureArticleIndex(elasticsearch, alias),
    ]);
    expect(results.filter((result) => result.created).length).toBeLessThanOrEqual(1);
    expect((await ensureArticleIndex(elasticsearch, alias)).created).toBe(false);
    expect(Object.keys(await elasticsearch.indices.getAlias({ name: alias }))).toEqual([`${alias}-v1`]);
  });

  it('refuses, with the way out, when the alias name is taken by a concrete index', async () => {
    const alias = newAlias();
    await elasticsearch.indices.create({ index: alias });
    const error = await ensureArticleIndex(elasticsearch, alias).catch((caught: ServiceError) => caught);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).code).toBe('ELASTICSEARCH_INDEX_CONFLICT');
  });

  // Issue 13, item 6: an alias or index of someone else's was adopted, and written into.
  it('refuses an alias that leads to an index with another mapping, and changes nothing', async () => {
    const alias = newAlias();
    const other = `test-other-${randomUUID().slice(0, 12)}`;
    others.push(other);
    await elasticsearch.indices.create({
      index: other,
      mappings: FOREIGN_MAPPINGS,
      aliases: { [alias]: {} },
    });
    const error = await conflictOf(alias);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error.code).toBe('ELASTICSEARCH_INDEX_CONFLICT');
    expect(error.message).toContain(other);
    expect(error.message).toContain('sightings');
    expect(await elasticsearch.indices.existsIndexTemplate({ name: templateName(alias) })).toBe(false);
    expect(await elasticsearch.indices.exists({ index: concreteIndexName(alias) })).toBe(false);
  });

  it('refuses an <alias>-v1 of another mapping found without its alias, instead of adopting it', async () => {
    const alias = newAlias();
    await elasticsearch.indices.create({ index: concreteIndexName(alias), mappings: FOREIGN_MAPPINGS });
    const error = await conflictOf(alias);
    expect(error.code).toBe('ELASTICSEARCH_INDEX_CONFLICT');
    expect(await elasticsearch.indices.existsAlias({ name: alias })).toBe(false);
  });

  it('refuses an index template of that name that Sluice did not write', async () => {
    const alias = newAlias();
    await elasticsearch.indices.putIndexTemplate({
      name: templateName(alias),
      index_patterns: [`${alias}-other-*`],
      template: { mappings: FOREIGN_MAPPINGS },
    });
    expect((await conflictOf(alias)).code).toBe('ELASTICSEARCH_INDEX_CONFLICT');
    const [template] = (await elasticsearch.indices.getIndexTemplate({ name: templateName(alias) }))
      .index_templates;
    expect(template?.index_template.index_patterns).toEqual([`${alias}-other-*`]);
  });

  it('repairs what was deleted: the index (and with it the alias), or the alias alone', async () => {
    const alias = newAlias();
    await ensureArticleIndex(elasticsearch, alias);
    await elasticsearch.indices.delete({ index: concreteIndexName(alias) });
    expect(await ensureArticleIndex(elasticsearch, alias)).toMatchObject({ created: true });
    await elasticsearch.indices.deleteAlias({ index: concreteIndexName(alias), name: alias });
    expect(await ensureArticleIndex(elasticsearch, alias)).toMatchObject({ created: false });
    expect(Object.keys(await elasticsearch.indices.getAlias({ name: alias }))).toEqual([
      concreteIndexName(alias),
    ]);
  });

  // Issue 15: indexes made before the lasting record have no exactKeys, bandKeys, signature.
  it('adds the fields the mapping gained to an index of ours made before them, at setup', async () => {
    const alias = newAlias();
    const analyzer = await pickAnalyzer(elasticsearch);
    const before = Object.fromEntries(
      Object.entries(articleMappings(analyzer).properties ?? {}).filter(
        ([field]) => !(ADDED_FIELDS as readonly string[]).includes(field),
      ),
    );
    const oldMappings = { dynamic: false, properties: before } as const;
    const template = articleIndexTemplate(alias, analyzer);
    await elasticsearch.indices.putIndexTemplate({
      ...template,
      template: { ...template.template, mappings: oldMappings },
    });
    await elasticsearch.indices.create({
      index: concreteIndexName(alias),
      aliases: { [alias]: { is_write_index: true } },
    });
    await elasticsearch.index({
      index: alias,
      id: 'old',
      document: { title: 'Indexed before' },
      refresh: true,
    });

    const config = { ...loadConfig(), index: alias, kibanaUrl: undefined };
    await setupPipeline(config, elasticsearch, createLogger({ level: 'silent' }));

    const mapping = (await elasticsearch.indices.getMapping({ index: alias }))[concreteIndexName(alias)]
      ?.mappings;
    expect(mapping?.properties?.exactKeys).toMatchObject({ type: 'keyword' });
    expect(mapping?.properties?.bandKeys).toMatchObject({ type: 'keyword' });
    expect(mapping?.properties?.signature).toMatchObject({ type: 'binary' });
    expect(mapping?.properties?.title).toEqual(before.title);
    expect(ADDED_FIELDS).toEqual(['exactKeys', 'bandKeys', 'signature']);
    // The lasting record of a document written after the upgrade is found by its keys.
    await elasticsearch.index({
      index: alias,
      id: 'new',
      document: { title: 'Indexed after', exactKeys: ['e1'], bandKeys: ['b1', 'b2'], signature: 'AAAA' },
      refresh: true,
    });
    const lookup = lastingRecordSearch(elasticsearch, { index: alias });
    expect(await lookup({ exactKeys: ['none'], bandKeys: ['b2'] })).toEqual([
      { articleId: 'new', exactKeys: ['e1'], bandKeys: ['b1', 'b2'], signature: 'AAAA' },
    ]);
    expect(await elasticsearch.count({ index: alias })).toMatchObject({ count: 2 });
    // Run again: nothing left to add.
    expect(await ensureArticleIndex(elasticsearch, alias)).toMatchObject({ created: false, fieldsAdded: [] });
  });
});
