/**
 * The merge policy of deduplication (issue 4): one document per article; a duplicate keeps the
 * fullest version and adds its sighting, once. Pure: the index stage reads the document, applies
 * this, and writes the result back only if nobody changed the document meanwhile (bulk-batcher.ts),
 * so concurrent sightings on any number of workers all end up recorded.
 */
import type { ArticleDocument } from '../../lib/article-document.ts';
import type { DocumentChange, SightingProposal, SightingRetraction } from './article-document.ts';
import { DELETE_DOCUMENT } from './bulk-batcher.ts';

/** The document after `change` (a sighting recorded or taken back), as the bulk batcher merges. */
export function applyChange(
  existing: ArticleDocument | undefined,
  change: DocumentChange,
): ArticleDocument | null | typeof DELETE_DOCUMENT {
  return 'retractKey' in change ? retractSighting(existing, change) : mergeSighting(existing, change);
}

/** The fields a fuller version replaces (when not empty): the body and what belongs with it. */
const FULLEST_VERSION_FIELDS = [
  'body',
  'wordCount',
  'fingerprint',
  'title',
  'lead',
  'source',
  'language',
  'bandKeys',
  'signature',
] as const;

/**
 * The document after recording the proposed sighting, or null when the sighting is already
 * recorded (a retried job: no change). The first sighting builds the document; later ones
 * take the version with more words (a tie keeps the stored one), the earliest capture time and
 * a publish time when the document has none.
 */
export function mergeSighting(
  existing: ArticleDocument | undefined,
  proposal: SightingProposal,
): ArticleDocument | null {
  const { version, sighting: seen, sightingKey } = proposal;
  if (!existing) {
    return {
      ...version,
      sightings: [seen],
      sightingKeys: [sightingKey],
      sightingCount: 1,
      duplicateCount: 0,
      sources: seen.source === null ? [] : [seen.source],
      firstSeen: seen.seenAt,
      lastSeen: seen.seenAt,
      exactKeys: [version.fingerprint],
    };
  }
  if (existing.sightingKeys.includes(sightingKey)) return null;
  const exactKeys = existing.exactKeys ?? [existing.fingerprint];
  const doc: ArticleDocument = {
    ...existing,
    sightings: [...existing.sightings, seen],
    sightingKeys: [...existing.sightingKeys, sightingKey],
    sources: [...existing.sources],
    exactKeys: exactKeys.includes(version.fingerprint) ? exactKeys : [...exactKeys, version.fingerprint],
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
      if (value !== null && value !== '' && value !== undefined) Object.assign(doc, { [field]: value });
    }
  }
  // A document indexed before the lasting record (issue 15) takes it from any later version, so
  // the dedupe stage can find it beyond Redis's window.
  if (!doc.bandKeys && version.bandKeys && version.signature) {
    doc.bandKeys = version.bandKeys;
    doc.signature = version.signature;
  }
  doc.published ??= version.published;
  doc.publishedAt ??= version.publishedAt;
  doc.timestamp = doc.publishedAt ?? doc.capturedAt;
  return doc;
}

/**
 * The document without the retracted sighting: DELETE_DOCUMENT when it was the only one, null
 * when it is not there (a retried retraction, or no document). The counts, sources and first and
 * last seen follow the sightings left. The version stays: documents keep the fullest version, not
 * one per sighting, so a retracted sighting that brought it leaves it (and its publish time) until
 * a fuller one comes (the complete file that superseded it, processed next, is at least as full).
 */
export function retractSighting(
  existing: ArticleDocument | undefined,
  { retractKey }: SightingRetraction,
): ArticleDocument | null | typeof DELETE_DOCUMENT {
  const at = existing?.sightingKeys.indexOf(retractKey) ?? -1;
  if (!existing || at < 0) return null;
  if (existing.sightingKeys.length === 1) return DELETE_DOCUMENT;
  const keep = <T>(items: readonly T[]) => items.filter((_, i) => i !== at);
  const sightings = keep(existing.sightings);
  const seen = sightings.map((sighting) => sighting.seenAt).sort();
  const first = seen[0] as string;
  // A version's capture time is its sighting's (toSightingProposal): not before the earliest left
  // (ISO 8601 strings sort in time order).
  const capturedAt = [existing.capturedAt, first].sort()[1] as string;
  return {
    ...existing,
    capturedAt,
    timestamp: existing.publishedAt ?? capturedAt,
    sightings,
    sightingKeys: keep(existing.sightingKeys),
    sightingCount: sightings.length,
    duplicateCount: sightings.length - 1,
    sources: [
      ...new Set(sightings.flatMap((sighting) => (sighting.source === null ? [] : [sighting.source]))),
    ],
    firstSeen: first,
    lastSeen: seen[seen.length - 1] as string,
  };
}
