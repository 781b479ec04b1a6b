/**
 * Deduplication beyond Redis's window (issue 15). Redis remembers one to two windows of articles
 * (near-duplicate-index.ts); the lasting record is Elasticsearch, where every document keeps its
 * exact fingerprints, band keys and signature (lib/article-document.ts). A file's articles are
 * claimed without registering what nothing in Redis matched; for those the lasting record is
 * asked once (one request for all of them), the candidates it returns are verified with the claim
 * script's own score (signature.ts), the verified ones are put back into Redis, and the misses
 * are claimed again, now registering. The second claim decides, atomically, as any claim does:
 * a same article claimed meanwhile by another worker is found then, so nothing is doubled.
 */
import type { LastingRecord, LastingRecordLookup } from '../../lib/article-document.ts';
import type { ArticleFingerprint } from './fingerprint.ts';
import {
  bandValues,
  type ClaimResult,
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

/**
 * Claims a file's articles (as `NearDuplicateIndex.claimAll`), consulting the lasting record for
 * those Redis has no candidate for. Without `lookup`, Redis alone decides.
 */
export async function claimArticles(
  index: Pick<NearDuplicateIndex, 'claimAll' | 'seed'>,
  fingerprints: readonly ArticleFingerprint[],
  lookup?: LastingRecordLookup,
): Promise<ClaimResult[]> {
  if (!lookup) return index.claimAll(fingerprints);
  const claims = await index.claimAll(fingerprints, { register: false });
  const misses = fingerprints.flatMap((fingerprint, i) =>
    claims[i]?.match === 'miss' ? [{ i, fingerprint }] : [],
  );
  if (misses.length === 0) return claims;
  const keys = misses.map(({ fingerprint }) => ({ fingerprint, ...lastingKeys(fingerprint) }));
  const records = await lookup({
    exactKeys: keys.map(({ fingerprint }) => fingerprint.exact),
    bandKeys: [...new Set(keys.flatMap(({ bandKeys }) => bandKeys))],
  });
  const seeds =
    records.length === 0
      ? []
      : keys.flatMap((key) => {
          const seed = bestRecord(key.fingerprint, key.bandKeys, records);
          return seed ? [seed] : [];
        });
  await index.seed(seeds);
  const again = await index.claimAll(misses.map(({ fingerprint }) => fingerprint));
  const result = [...claims];
  for (const [j, { i }] of misses.entries()) result[i] = again[j] as ClaimResult;
  return result;
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
