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
import { ServiceError } from '../../lib/errors.ts';

/** Version of the mapping below; bump it (and reindex) when a field changes type. */
export const MAPPING_VERSION = 1;

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

export function articleIndexTemplate(
  alias: string,
  analyzer: string,
): estypes.IndicesPutIndexTemplateRequest {
  return {
    name: templateName(alias),
    index_patterns: [`${alias}-v*`],
    priority: TEMPLATE_PRIORITY,
    template: {
      settings: {
        number_of_shards: 1,
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
}

/** Puts the template, creates `<alias>-v1` with the alias if the alias does not exist yet. */
export async function ensureArticleIndex(client: Client, alias: string): Promise<EnsuredIndex> {
  const index = concreteIndexName(alias);
  try {
    const analyzer = await pickAnalyzer(client);
    await client.indices.putIndexTemplate(articleIndexTemplate(alias, analyzer));
    if (await client.indices.existsAlias({ name: alias })) return { alias, index, analyzer, created: false };
    if (await client.indices.exists({ index: alias })) {
      throw new ServiceError(
        'ELASTICSEARCH_INDEX_CONFLICT',
        `"${alias}" is a concrete index, not an alias (created by a bulk request before setup?); delete it or pick another SLUICE_INDEX`,
        { retryable: false },
      );
    }
    try {
      await client.indices.create({ index, aliases: { [alias]: { is_write_index: true } } });
      return { alias, index, analyzer, created: true };
    } catch (error) {
      if (
        error instanceof errors.ResponseError &&
        error.body?.error?.type === 'resource_already_exists_exception'
      ) {
        // Another process created it first; make sure the alias points at it.
        await client.indices.putAlias({ index, name: alias, is_write_index: true });
        return { alias, index, analyzer, created: false };
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
