/**
 * Deduplication beyond Redis's window (issue 15). Redis remembers one to two windows of articles
 * (near-duplicate-index.ts); the lasting record is Elasticsearch, where every document keeps its
 * exact fingerprints, band keys and signature (lib/article-document.ts). A file's articles are
 * claimed without registering what nothing in Redis matched; for those the lasting record is
 * asked once (one request for all of them), the candidates it returns are verified with the claim
 * script's own score (signature.ts), the verified ones are put back into Redis, and the misses
 * are claimed again, now registering. The second claim decides, atomically, as any claim does:
 * a same article claimed meanwhile by another worker is found then, so nothing is doubled.
 *
 * A reindex (issue 17) builds its new index's dedup state afresh, and keeps the old index's ids:
 * each article is looked up in the old index (one request per file, by exact fingerprint and band
 * keys). A version the old index had goes to the document that held it, so the groups of
 * near-duplicates come out as they were whatever order the files are read in now (which member
 * comes first decides both a group's id and, as verdicts compare with the fullest version seen
 * so far, who joins it). A version it did not have (the cleaner changed it) is judged by the new
 * state alone, and when it starts a document, that takes the id of the old document it best
 * near-duplicates if no article has it yet (claim-articles.lua). The old documents' signatures
 * are not seeded.
 */
import type { LastingRecord, LastingRecordLookup } from '../../lib/article-document.ts';
import type { ArticleFingerprint } from './fingerprint.ts';
import {
  bandValues,
  type ClaimResult,
  type KeptId,
  type NearDuplicateIndex,
  type SeedArticle,
} from './near-duplicate-index.ts';
import { encodeSignature, parseSignature, scoreSignatures } from './signature.ts';

/** What the document of an article keeps for the lasting record: its band keys (hex) and signature (base64). */
export function lastingKeys(fingerprint: ArticleFingerprint): { bandKeys: string[]; signature: string } {
  return {
    bandKeys: bandValues(fingerprint).map((band) => band.toString('hex')),
    signature: encodeSignature(fingerprint).toString('base64'),
  };
}

/** Where a claim looks beyond Redis; with neither, Redis alone decides. */
export interface ClaimSources {
  /** The lasting record of the index claimed for: what Redis forgot is found there and seeded. */
  lastingRecord?: LastingRecordLookup;
  /**
   * For an index a reindex builds: the ids to keep, either known per article (a file dropped
   * during the rebuild: its claims on the alias) or looked up in the old index.
   */
  keepIds?: readonly (KeptId | undefined)[] | LastingRecordLookup;
}

/**
 * Claims a file's articles (as `NearDuplicateIndex.claimAll`), consulting the lasting record for
 * those Redis has no candidate for, or keeping the ids of the index being rebuilt (module comment).
 */
export async function claimArticles(
  index: Pick<NearDuplicateIndex, 'claimAll' | 'seed'>,
  fingerprints: readonly ArticleFingerprint[],
  { lastingRecord: lookup, keepIds }: ClaimSources = {},
): Promise<ClaimResult[]> {
  if (keepIds) {
    const ids = typeof keepIds === 'function' ? await formerIds(fingerprints, keepIds) : keepIds;
    return index.claimAll(fingerprints, { ids });
  }
  if (!lookup) return index.claimAll(fingerprints);
  const claims = await index.claimAll(fingerprints, { register: false });
  const misses = fingerprints.flatMap((fingerprint, i) =>
    claims[i]?.match === 'miss' ? [{ i, fingerprint }] : [],
  );
  if (misses.length === 0) return claims;
  const found = await bestRecords(
    misses.map(({ fingerprint }) => fingerprint),
    lookup,
  );
  await index.seed(found.flatMap((seed) => (seed ? [seed] : [])));
  const again = await index.claimAll(misses.map(({ fingerprint }) => fingerprint));
  const result = [...claims];
  for (const [j, { i }] of misses.entries()) result[i] = again[j] as ClaimResult;
  return result;
}

/** Per article, the old index's document it is: the one with this version, else a near-duplicate. */
async function formerIds(
  fingerprints: readonly ArticleFingerprint[],
  lookup: LastingRecordLookup,
): Promise<Array<KeptId | undefined>> {
  // Only ids of the form the claim script makes (24 hex digits) can be asked for.
  return (await bestRecords(fingerprints, lookup)).map((record) =>
    record && ARTICLE_ID.test(record.articleId)
      ? { articleId: record.articleId, sameVersion: record.exact !== undefined }
      : undefined,
  );
}

const ARTICLE_ID = /^[0-9a-f]{24}$/;

/** Per article, the record it duplicates (`bestRecord`), all looked up in one request. */
async function bestRecords(
  fingerprints: readonly ArticleFingerprint[],
  lookup: LastingRecordLookup,
): Promise<Array<SeedArticle | null>> {
  if (fingerprints.length === 0) return [];
  const keys = fingerprints.map((fingerprint) => ({ fingerprint, ...lastingKeys(fingerprint) }));
  const records = await lookup({
    exactKeys: fingerprints.map((fingerprint) => fingerprint.exact),
    bandKeys: [...new Set(keys.flatMap(({ bandKeys }) => bandKeys))],
  });
  return keys.map(({ fingerprint, bandKeys }) =>
    records.length === 0 ? null : bestRecord(fingerprint, bandKeys, records),
  );
}

/**
 * The record this article duplicates: one with its exact fingerprint, else the best-scoring
 * record sharing a band with it whose signature the claim script would accept; as a seed.
 */
function bestRecord(
  fingerprint: ArticleFingerprint,
  bandKeys: readonly string[],
  records: readonly LastingRecord[],
): SeedArticle | null {
  const toSeed = (record: LastingRecord, exact?: string): SeedArticle => ({
    articleId: record.articleId,
    signature: Buffer.from(record.signature, 'base64'),
    bands: record.bandKeys.map((band) => Buffer.from(band, 'hex')),
    ...(exact ? { exact } : {}),
  });
  const exact = records.find((record) => record.exactKeys.includes(fingerprint.exact));
  if (exact) return toSeed(exact, fingerprint.exact);
  const mine = parseSignature(encodeSignature(fingerprint));
  const bands = new Set(bandKeys);
  let best: LastingRecord | null = null;
  let bestScore = 0;
  for (const record of records) {
    if (!record.bandKeys.some((band) => bands.has(band))) continue;
    const score = scoreSignatures(mine, parseSignature(Buffer.from(record.signature, 'base64')));
    if (score !== null && score > bestScore) [best, bestScore] = [record, score];
  }
  return best ? toSeed(best) : null;
}
