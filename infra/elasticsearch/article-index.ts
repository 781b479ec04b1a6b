/**
 * The articles index: an index template for `<alias>-v*` and the first concrete index,
 * `<alias>-v1`, behind the alias people search. Created by `sluice setup` and when workers
 * start; every step is idempotent and safe to race (two processes starting at once).
 *
 * The alias decouples readers from the concrete index: a mapping change becomes `-v2`,
 * reindexed in the background, and the alias is swapped in one request.
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import { errors } from '@elastic/elasticsearch';
import type { ArticleDocument } from '../../lib/article-document.ts';
import { type Config, DEFAULT_INDEX_SHARDS } from '../../lib/config.ts';
import { ServiceError } from '../../lib/errors.ts';

/** Version of the mapping below; bump it (and reindex) when a field changes type. */
export const MAPPING_VERSION = 1;

/**
 * Fields the mapping gained after indexes of this version were first made (the lasting record of
 * dedup, issue 15). Adding a field needs no new version: setup puts the missing ones into an
 * index of ours that lacks only these (a put-mapping, additive), so an upgrade keeps working.
 * Documents written before hold none of them (README, "Deduplication").
 */
export const ADDED_FIELDS = ['exactKeys', 'bandKeys', 'signature'] as const;

/**
 * Above the priority of Elasticsearch's built-in templates (100, e.g. `logs-*-*`), so an alias
 * named like a built-in pattern still gets this mapping.
 */
const TEMPLATE_PRIORITY = 500;

export function concreteIndexName(alias: string, version = MAPPING_VERSION): string {
  return `${alias}-v${version}`;
}

export function templateName(alias: string): string {
  return `${alias}-articles`;
}

/**
 * One mapping per ArticleDocument field (the type system keeps the two in step). `analyzer` is
 * `english` where the node has it (stemming: "sanctions" finds "sanction"), else `standard`.
 */
export function articleMappings(analyzer: string): estypes.MappingTypeMapping {
  const text = { type: 'text', analyzer } as const;
  const keyword = { type: 'keyword', ignore_above: 256 } as const;
  const properties: Record<keyof ArticleDocument, estypes.MappingProperty> = {
    timestamp: { type: 'date' },
    title: { ...text, fields: { keyword } },
    lead: text,
    body: text,
    source: keyword,
    sources: keyword,
    published: { type: 'keyword', index: false },
    publishedAt: { type: 'date' },
    capturedAt: { type: 'date' },
    language: keyword,
    wordCount: { type: 'integer' },
    fingerprint: keyword,
    // The lasting record of the dedupe stage (issue 15): looked up by term, the signature only read.
    exactKeys: keyword,
    bandKeys: keyword,
    signature: { type: 'binary' },
    sightings: {
      // Nested, so "a sighting from file X at position 2" matches one sighting, not two halves.
      type: 'nested',
      properties: {
        file: keyword,
        fileHash: keyword,
        articleIndex: { type: 'integer' },
        source: keyword,
        seenAt: { type: 'date' },
      },
    },
    sightingKeys: keyword,
    sightingCount: { type: 'integer' },
    duplicateCount: { type: 'integer' },
    firstSeen: { type: 'date' },
    lastSeen: { type: 'date' },
  };
  // Fields a later version adds are kept in _source but not indexed until the mapping says how.
  return { dynamic: false, properties };
}

export type IndexShards = Config['indexShards'];

export function articleIndexTemplate(
  alias: string,
  analyzer: string,
  shards: IndexShards = DEFAULT_INDEX_SHARDS,
): estypes.IndicesPutIndexTemplateRequest {
  return {
    name: templateName(alias),
    index_patterns: [`${alias}-v*`],
    priority: TEMPLATE_PRIORITY,
    template: {
      settings: {
        // SLUICE_INDEX_SHARDS / SLUICE_INDEX_REPLICAS: read when an index is created, so a new
        // primary count takes a new index version; replicas of a live index change with _settings.
        number_of_shards: shards.primaries,
        number_of_replicas: shards.replicas,
        // Refresh on a schedule even while nobody searches (an unset interval lets idle shards
        // skip refreshes), so a dropped file is searchable about a second after it is indexed.
        refresh_interval: '1s',
      },
      mappings: articleMappings(analyzer),
    },
    _meta: { managed_by: 'sluice', mapping_version: MAPPING_VERSION },
  };
}

/** `english` when the node can analyze with it, else `standard`. */
export async function pickAnalyzer(client: Client): Promise<string> {
  try {
    await client.indices.analyze({ analyzer: 'english', text: 'running' });
    return 'english';
  } catch (error) {
    if (error instanceof errors.ResponseError && error.statusCode === 400) return 'standard';
    throw error;
  }
}

export interface EnsuredIndex {
  alias: string;
  index: string;
  analyzer: string;
  /** True when this call created the concrete index. */
  created: boolean;
  /** ADDED_FIELDS this call put into the existing index's mapping (none when it had them). */
  fieldsAdded: string[];
}

/**
 * Puts the template and creates `<alias>-v1` with the alias if the alias does not exist yet;
 * repairs what was deleted (the index with its alias, or the alias alone); adds ADDED_FIELDS to
 * an index of ours made before them. Refuses, with
 * ELASTICSEARCH_INDEX_CONFLICT and changing nothing, what holds the names but is not Sluice's:
 * a concrete index named like the alias, an index behind it (or an `<alias>-v1`) of another
 * mapping, or an index template of that name that Sluice did not write.
 */
export async function ensureArticleIndex(
  client: Client,
  alias: string,
  shards: IndexShards = DEFAULT_INDEX_SHARDS,
): Promise<EnsuredIndex> {
  const index = concreteIndexName(alias);
  try {
    const analyzer = await pickAnalyzer(client);
    const expected = articleMappings(analyzer);
    await refuseForeignTemplate(client, alias);
    if (await client.indices.existsAlias({ name: alias })) {
      const fieldsAdded = await upgradeOrRefuse(client, alias, alias, expected);
      await client.indices.putIndexTemplate(articleIndexTemplate(alias, analyzer, shards));
      return { alias, index, analyzer, created: false, fieldsAdded };
    }
    if (await client.indices.exists({ index: alias })) {
      throw conflict(
        `"${alias}" is a concrete index, not an alias (created by a bulk request before setup?); delete it or pick another SLUICE_INDEX`,
      );
    }
    await client.indices.putIndexTemplate(articleIndexTemplate(alias, analyzer, shards));
    try {
      await client.indices.create({ index, aliases: { [alias]: { is_write_index: true } } });
      return { alias, index, analyzer, created: true, fieldsAdded: [] };
    } catch (error) {
      if (
        error instanceof errors.ResponseError &&
        error.body?.error?.type === 'resource_already_exists_exception'
      ) {
        // Another process created it first, or the alias alone was removed: point the alias at it,
        // if it is Sluice's.
        const fieldsAdded = await upgradeOrRefuse(client, alias, index, expected);
        await client.indices.putAlias({ index, name: alias, is_write_index: true });
        return { alias, index, analyzer, created: false, fieldsAdded };
      }
      throw error;
    }
  } catch (error) {
    if (error instanceof ServiceError) throw error;
    throw new ServiceError(
      'ELASTICSEARCH_SETUP_FAILED',
      `Setting up index "${alias}" failed: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

function conflict(message: string): ServiceError {
  return new ServiceError('ELASTICSEARCH_INDEX_CONFLICT', message, { retryable: false });
}

/** An index template named `<alias>-articles` must be one Sluice wrote (its `_meta` says so). */
async function refuseForeignTemplate(client: Client, alias: string): Promise<void> {
  const name = templateName(alias);
  if (!(await client.indices.existsIndexTemplate({ name }))) return;
  const { index_templates: found } = await client.indices.getIndexTemplate({ name });
  if (found.every(({ index_template: template }) => template._meta?.managed_by === 'sluice')) return;
  throw conflict(
    `An index template "${name}" exists that Sluice did not write; pick another SLUICE_INDEX, or delete the template if it is a leftover`,
  );
}

/**
 * Every index `target` names (an alias, or an index) must have the article mapping, but for
 * ADDED_FIELDS, which are put into it here when missing. Returns the fields added (to any of them).
 * Every index is checked before any is changed.
 */
async function upgradeOrRefuse(
  client: Client,
  alias: string,
  target: string,
  expected: estypes.MappingTypeMapping,
): Promise<string[]> {
  const found = await client.indices.getMapping({ index: target });
  const upgrades: Array<{ name: string; fields: string[] }> = [];
  for (const [name, { mappings }] of Object.entries(found)) {
    const addable = ADDED_FIELDS.filter((field) => !mappings.properties?.[field]);
    // Fields of another type tell more than fields missing: name them first.
    const differences = mappingDifferences(mappings, expected)
      .filter((difference) => !addable.some((field) => difference.startsWith(`${field}: `)))
      .sort((a, b) => Number(a.endsWith(', missing')) - Number(b.endsWith(', missing')));
    if (differences.length === 0) {
      if (addable.length > 0) upgrades.push({ name, fields: addable });
      continue;
    }
    throw conflict(
      `"${alias}" leads to index "${name}", whose mapping is not Sluice's (${differences.slice(0, 3).join('; ')}); ` +
        'pick another SLUICE_INDEX, or delete that index if it is a leftover',
    );
  }
  for (const { name, fields } of upgrades) {
    const properties = Object.fromEntries(fields.map((field) => [field, expected.properties?.[field]]));
    await client.indices.putMapping({
      index: name,
      properties: properties as Record<string, estypes.MappingProperty>,
    });
  }
  return [...new Set(upgrades.flatMap((upgrade) => upgrade.fields))];
}

/**
 * How `actual` differs from the article mapping: each expected field missing or of another
 * type, as `field: expected type, found type`. Analyzers and sub-fields are not compared (the
 * analyzer depends on the node), nor fields `actual` has in addition.
 */
export function mappingDifferences(
  actual: estypes.MappingTypeMapping | undefined,
  expected: estypes.MappingTypeMapping,
  prefix = '',
): string[] {
  const differences: string[] = [];
  for (const [field, want] of Object.entries(expected.properties ?? {})) {
    const have = actual?.properties?.[field];
    const path = `${prefix}${field}`;
    const typeOf = (property: estypes.MappingProperty) =>
      property.type ?? ('properties' in property ? 'object' : 'unknown');
    if (!have) differences.push(`${path}: expected ${typeOf(want)}, missing`);
    else if (typeOf(have) !== typeOf(want))
      differences.push(`${path}: expected ${typeOf(want)}, found ${typeOf(have)}`);
    else if ('properties' in want) {
      differences.push(
        ...mappingDifferences(
          have as estypes.MappingTypeMapping,
          want as estypes.MappingTypeMapping,
          `${path}.`,
        ),
      );
    }
  }
  return differences;
}

/** The version N of a concrete index `<alias>-v<N>`, or null when the name is not one. */
export function indexVersion(alias: string, index: string): number | null {
  const match = /^-v([1-9][0-9]*)$/.exec(index.slice(alias.length));
  return index.startsWith(alias) && match ? Number(match[1]) : null;
}

/** The concrete index the alias writes to now (its write index, or its only index). */
export async function currentIndex(
  client: Client,
  alias: string,
): Promise<{ index: string; version: number }> {
  const found = await client.indices.getAlias({ name: alias });
  const entries = Object.entries(found);
  const writer =
    entries.find(([, info]) => info.aliases[alias]?.is_write_index) ??
    (entries.length === 1 ? entries[0] : undefined);
  const index = writer?.[0];
  const version = index === undefined ? null : indexVersion(alias, index);
  if (index === undefined || version === null) {
    throw new ServiceError(
      'ELASTICSEARCH_INDEX_CONFLICT',
      `Alias "${alias}" has no write index named ${alias}-v<N> (found ${entries.map(([name]) => name).join(', ') || 'none'})`,
      { retryable: false },
    );
  }
  return { index, version };
}

/**
 * Creates a concrete index of the alias from its template, without the alias (a reindex fills it
 * first). Idempotent: true when this call created it, false when it existed.
 */
export async function createVersionIndex(client: Client, index: string): Promise<boolean> {
  try {
    await client.indices.create({ index });
    return true;
  } catch (error) {
    if (
      error instanceof errors.ResponseError &&
      error.body?.error?.type === 'resource_already_exists_exception'
    )
      return false;
    throw error;
  }
}

/**
 * Points the alias at `to` instead of `from` in ONE `_aliases` request, which Elasticsearch
 * applies atomically: every search answers from exactly one of the two indices.
 */
export async function swapAlias(client: Client, alias: string, from: string, to: string): Promise<void> {
  await client.indices.updateAliases({
    actions: [
      { remove: { index: from, alias, must_exist: true } },
      { add: { index: to, alias, is_write_index: true } },
    ],
  });
}
