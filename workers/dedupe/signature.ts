/**
 * The near-duplicate signature of an article and how two are compared: the same bytes the claim
 * script (claim-articles.lua) stores and parses, and the same score, so candidates found outside
 * Redis (the lasting record in Elasticsearch, lasting-record.ts) are judged exactly as the script
 * judges candidates from the index (test/workers/dedupe/signature-score.integration.test.ts runs
 * both on the same pairs). The thresholds are explained in near-duplicate-index.ts.
 */
import { type ArticleFingerprint, HEAD_MINHASH_SIZE, MINHASH_SIZE } from './fingerprint.ts';

/** Verification thresholds, passed to the Lua script and used by `scoreSignatures`. */
export const THRESHOLDS = {
  minContainment: 0.5,
  minHeadContainment: 0.5,
  minHeadBodyContainment: 0.3,
  /** Below this many expected MinHash matches (a teaser under ~1/8 of the article), trust the head. */
  minExpectedMatches: 16,
  /** Bodies shorter than this many shingles (~11 words) only ever match exactly. */
  minShingles: 8,
} as const;

/** The signature as the claim script stores and parses it. */
export function encodeSignature(fingerprint: ArticleFingerprint): Buffer {
  if (fingerprint.minhash.length !== MINHASH_SIZE || fingerprint.headMinhash.length !== HEAD_MINHASH_SIZE) {
    throw new RangeError(
      'Fingerprint has the wrong number of MinHash values; was it made by fingerprintArticle?',
    );
  }
  // Low 16 bits of every value, as the script reads them (b-bit MinHash; see near-duplicate-index.ts).
  const buffer = Buffer.allocUnsafe(4 + 2 * MINHASH_SIZE + 2 * fingerprint.head.length);
  buffer.writeUInt32BE(fingerprint.shingleCount, 0);
  for (const [slot, value] of fingerprint.minhash.entries())
    buffer.writeUInt16BE(value & 0xffff, 4 + 2 * slot);
  for (const [index, value] of fingerprint.head.entries())
    buffer.writeUInt16BE(value & 0xffff, 4 + 2 * MINHASH_SIZE + 2 * index);
  return buffer;
}

export interface ParsedSignature {
  count: number;
  slots: Uint16Array;
  head: Set<number>;
}

/** The script's `parse`. */
export function parseSignature(blob: Uint8Array): ParsedSignature {
  const view = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (view.length < 4 + 2 * MINHASH_SIZE) throw new RangeError(`Signature too short: ${view.length} bytes`);
  const slots = new Uint16Array(MINHASH_SIZE);
  for (let i = 0; i < MINHASH_SIZE; i++) slots[i] = view.readUInt16BE(4 + 2 * i);
  const head = new Set<number>();
  for (let i = 4 + 2 * MINHASH_SIZE; i + 1 < view.length; i += 2) head.add(view.readUInt16BE(i));
  return { count: view.readUInt32BE(0), slots, head };
}

/** The script's `score`: how alike two articles are (higher is closer), or null when they are different articles. */
export function scoreSignatures(x: ParsedSignature, y: ParsedSignature): number | null {
  const [short, long] = y.count < x.count ? [y, x] : [x, y];
  if (short.count < THRESHOLDS.minShingles) return null;
  let matches = 0;
  for (let i = 0; i < MINHASH_SIZE; i++) if (x.slots[i] === y.slots[i]) matches++;
  const jaccard = matches / MINHASH_SIZE;
  // |S n L| / |S| from J = |S n L| / |S u L| and the set sizes.
  const containment = Math.min(1, (jaccard * (short.count + long.count)) / (short.count * (1 + jaccard)));
  if (containment >= THRESHOLDS.minContainment) return 1 + containment;
  let shared = 0;
  for (const shingle of short.head) if (long.head.has(shingle)) shared++;
  const headContainment = shared / Math.max(1, Math.min(short.head.size, long.head.size));
  if (headContainment < THRESHOLDS.minHeadContainment) return null;
  // A teaser shares the head; its body must then also lie inside the longer one, which MinHash
  // can only judge when enough slot matches are expected.
  if (
    (MINHASH_SIZE * short.count) / long.count >= THRESHOLDS.minExpectedMatches &&
    containment < THRESHOLDS.minHeadBodyContainment
  )
    return null;
  return headContainment;
}
