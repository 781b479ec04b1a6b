/**
 * Article fingerprints: an exact hash of the normalised body and a near-duplicate signature
 * (MinHash over word shingles, Broder 1997) plus a "head" of the first shingles, which lets the
 * index recognise a teaser — the first part of a longer article — as the same article.
 *
 * Parameters (the LSH banding that turns these into index keys lives in near-duplicate-index.ts):
 * - Words: NFKC, lower-cased, every run of non-letter/non-digit characters is a separator. So
 *   case, whitespace, line breaks (one-line flattening) and punctuation never matter.
 * - Shingles of 4 words. Shorter shingles (1-2 words) make unrelated articles look alike through
 *   common phrases; longer ones make every edited word destroy more shingles. With 4, a 5 % word
 *   edit rate keeps ~80 % of shingles (Jaccard ~0.67) while two reports of the same event by
 *   different outlets share well under 5 % (measured on the article-bench same-topic pairs).
 * - 128 MinHash values: the standard error of a Jaccard estimate is sqrt(J(1-J)/128) <= 0.044.
 * - Head: the first 32 shingles (the first 35 words) as shingle hashes, plus 32 MinHash values
 *   over them for indexing. A teaser that is a prefix of an article shares its whole head,
 *   however short the teaser is, whereas its Jaccard similarity with the full article is only
 *   its length ratio (0.05 for a 20-word teaser of a 400-word story). 32 rather than 16 so that
 *   an ad line or a few edited words near the start still leave most of the head intact.
 */
import { createHash } from 'node:crypto';
import type { Article } from '../../lib/article.ts';

/** Words per shingle. */
export const SHINGLE_WORDS = 4;
/** MinHash values over all shingles of the body. */
export const MINHASH_SIZE = 128;
/** Shingles at the start of the body that make up the head. */
export const HEAD_SHINGLES = 32;
/** MinHash values over the head shingles. */
export const HEAD_MINHASH_SIZE = 32;

export interface ArticleFingerprint {
  /** 24 hex digits (96 bits of SHA-256) of the normalised body; equal bodies up to case/space/punctuation. */
  exact: string;
  /** Number of distinct shingles in the body (the set size MinHash sketches). */
  shingleCount: number;
  /** MinHash of all shingles: MINHASH_SIZE unsigned 32-bit values. */
  minhash: number[];
  /** The first HEAD_SHINGLES shingle hashes in order (fewer for short bodies), unsigned 32-bit. */
  head: number[];
  /** MinHash of the head shingles: HEAD_MINHASH_SIZE unsigned 32-bit values. */
  headMinhash: number[];
}

/** Lower-cased words of a text, punctuation and all whitespace folded away. */
export function normalisedWords(text: string): string[] {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}

export function fingerprintArticle(article: Pick<Article, 'title' | 'body'>): ArticleFingerprint {
  // The body alone: aggregators re-title the same story, and a title is too short to matter.
  const words = normalisedWords(article.body);
  const exact = exactHash(words);
  const shingles = shingleHashes(words);
  const head = shingles.slice(0, HEAD_SHINGLES);
  return {
    exact,
    shingleCount: new Set(shingles).size,
    minhash: minhash(shingles, MINHASH_SIZE, 0),
    head,
    headMinhash: minhash(head, HEAD_MINHASH_SIZE, MINHASH_SIZE),
  };
}

/** The `exact` part of a fingerprint alone, for code that only needs to name a body version. */
export function exactFingerprint(body: string): string {
  return exactHash(normalisedWords(body));
}

function exactHash(words: readonly string[]): string {
  return createHash('sha256').update(words.join(' ')).digest('hex').slice(0, 24);
}

/** 32-bit hashes of the word shingles, in text order (duplicates kept). A body shorter than one shingle is one shingle. */
function shingleHashes(words: readonly string[]): number[] {
  const wordHashes = words.map(hashWord);
  const count = Math.max(wordHashes.length - SHINGLE_WORDS + 1, wordHashes.length > 0 ? 1 : 0);
  const hashes = new Array<number>(count);
  for (let start = 0; start < count; start++) {
    let hash = 0x9e3779b9;
    const end = Math.min(start + SHINGLE_WORDS, wordHashes.length);
    for (let i = start; i < end; i++) hash = fmix32(Math.imul(hash ^ (wordHashes[i] as number), 0x85ebca6b));
    hashes[start] = hash >>> 0;
  }
  return hashes;
}

/**
 * MinHash with one hash function per slot: fmix32 (MurmurHash3's finaliser, a bijection) of the
 * shingle hash xor a per-slot seed. Slots are numbered globally (`firstSlot`) so the head's
 * functions differ from the body's. An empty set gives all 0xffffffff.
 */
function minhash(shingles: readonly number[], size: number, firstSlot: number): number[] {
  const mins = new Uint32Array(size).fill(0xffffffff);
  const seeds = slotSeeds(firstSlot + size).subarray(firstSlot);
  for (const shingle of shingles) {
    for (let slot = 0; slot < size; slot++) {
      const value = fmix32(shingle ^ (seeds[slot] as number)) >>> 0;
      if (value < (mins[slot] as number)) mins[slot] = value;
    }
  }
  return Array.from(mins);
}

let seedCache = new Uint32Array(0);
function slotSeeds(count: number): Uint32Array {
  if (seedCache.length < count) {
    seedCache = new Uint32Array(count);
    for (let slot = 0; slot < count; slot++) seedCache[slot] = fmix32(Math.imul(slot + 1, 0x9e3779b1));
  }
  return seedCache;
}

function hashWord(word: string): number {
  let hash = 0x811c9dc5; // FNV-1a, then a finaliser to spread its weak low bits
  for (let i = 0; i < word.length; i++) hash = Math.imul(hash ^ word.charCodeAt(i), 0x01000193);
  return fmix32(hash);
}

/** MurmurHash3 fmix32: avalanches all 32 bits (signed result; `>>> 0` for unsigned). */
export function fmix32(input: number): number {
  let h = input;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}
