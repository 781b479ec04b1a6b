/**
 * The merge policy of workers/index/article-document.ts (its painless MERGE_SCRIPT) as a pure
 * function, for Elasticsearch nodes without the painless module (the local development node,
 * see infra/README.md). The index stage reads the document, applies this, and writes it back
 * with optimistic concurrency, so the outcome is the same as the scripted upsert's.
 * Keep the two in step: test/workers/index/merge-sighting.test.ts runs the same cases.
 */
import type { Client } from '@elastic/elasticsearch';
import type { ArticleDocument, ArticleUpsert, Sighting } from './article-document.ts';

/** The fields derived from the sightings; every other field is the version a sighting proposes. */
type SightingFields =
  | 'sightings'
  | 'sightingKeys'
  | 'sightingCount'
  | 'duplicateCount'
  | 'sources'
  | 'firstSeen'
  | 'lastSeen';

/** What toBulkUpsert hands its script. */
export interface SightingParams {
  version: Omit<ArticleDocument, SightingFields>;
  sighting: Sighting;
  sightingKey: string;
}

const FULLEST_VERSION_FIELDS = [
  'body',
  'wordCount',
  'fingerprint',
  'title',
  'lead',
  'source',
  'language',
] as const;

/** The document after recording the sighting, or null when it is already recorded (no change). */
export function mergeSighting(
  existing: ArticleDocument | undefined,
  params: SightingParams,
): ArticleDocument | null {
  const { version, sighting: seen, sightingKey } = params;
  if (!existing?.sightingKeys) {
    return {
      ...version,
      sightings: [seen],
      sightingKeys: [sightingKey],
      sightingCount: 1,
      duplicateCount: 0,
      sources: seen.source === null ? [] : [seen.source],
      firstSeen: seen.seenAt,
      lastSeen: seen.seenAt,
    };
  }
  if (existing.sightingKeys.includes(sightingKey)) return null;
  const doc: ArticleDocument = {
    ...existing,
    sightings: [...existing.sightings, seen],
    sightingKeys: [...existing.sightingKeys, sightingKey],
    sources: [...existing.sources],
  };
  doc.sightingCount = doc.sightings.length;
  doc.duplicateCount = doc.sightingCount - 1;
  if (seen.source !== null && !doc.sources.includes(seen.source)) doc.sources.push(seen.source);
  if (seen.seenAt < doc.firstSeen) doc.firstSeen = seen.seenAt;
  if (seen.seenAt > doc.lastSeen) doc.lastSeen = seen.seenAt;
  if (version.capturedAt < doc.capturedAt) doc.capturedAt = version.capturedAt;
  if (version.wordCount > doc.wordCount) {
    for (const field of FULLEST_VERSION_FIELDS) {
      const value = version[field];
      if (value !== null && value !== '') Object.assign(doc, { [field]: value });
    }
  }
  doc.published ??= version.published;
  doc.publishedAt ??= version.publishedAt;
  doc.timestamp = doc.publishedAt ?? doc.capturedAt;
  return doc;
}

/** mergeSighting for one toBulkUpsert operation's body. */
export function mergeUpsert(
  existing: Record<string, unknown> | undefined,
  body: ArticleUpsert[1],
): ArticleDocument | null {
  const params = (body as { script?: { params?: SightingParams } }).script?.params;
  if (!params) throw new TypeError('Not a toBulkUpsert operation: no script params');
  return mergeSighting(existing as ArticleDocument | undefined, params);
}

/** Whether the node runs painless scripts (the official distribution does; the local dev node does not). */
export async function supportsPainless(client: Client): Promise<boolean> {
  const { language_contexts: languages } = await client.getScriptLanguages();
  return languages.some((entry) => entry.language === 'painless');
}
