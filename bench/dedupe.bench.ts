/**
 * Deduplication: claim throughput against the real Redis with concurrent workers (one connection
 * each) as the index grows to 1k, 10k and 100k stored articles — it should stay flat, since a
 * claim touches a fixed number of keys — and the Redis bytes per stored article at each size.
 * Also the single-core fingerprint rate and the quality figures: precision/recall on the labelled
 * article-bench pairs and the clusters found on the aggregator pages' expected articles.
 *
 * Stored articles are synthetic (random words drawn from the article-bench vocabulary, 150-600
 * words) so 100k distinct ones exist; each timed batch is half new articles, half teasers of
 * stored ones. Keys live under a unique prefix and are deleted afterwards.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { loadConfig } from '../lib/config.ts';
import {
  type ArticleFingerprint,
  fingerprintArticle,
  fmix32,
  normalisedWords,
} from '../workers/dedupe/fingerprint.ts';
import { NearDuplicateIndex } from '../workers/dedupe/near-duplicate-index.ts';
import { buildLabelledPairs, scorePairs } from './dedupe-pairs.ts';

export interface DedupeBenchOptions {
  /** Redis to measure against; default REDIS_URL (loadConfig). */
  redisUrl?: string;
  /** Index sizes (stored articles) at which throughput and memory are measured; default 1k, 10k, 100k. */
  sizes?: number[];
  /** Concurrent workers, one Redis connection each; default 8. */
  workers?: number;
  /** Claims per timed batch; default 4000. */
  batch?: number;
  /** Folder of the shared data; default ../shared/data from the repository root. */
  dataDir?: string;
}

export type DedupeBenchResult = Record<string, number>;

export async function benchDedupe(options: DedupeBenchOptions = {}): Promise<DedupeBenchResult> {
  const redisUrl = options.redisUrl ?? loadConfig().redisUrl;
  const sizes = options.sizes ?? [1_000, 10_000, 100_000];
  const workers = options.workers ?? 8;
  const batch = options.batch ?? 4000;
  const dataDir = options.dataDir ?? new URL('../../shared/data/', import.meta.url).pathname;
  const groundTruth: Record<string, { articleBody: string; url: string }> = JSON.parse(
    readFileSync(`${dataDir}article-bench/ground-truth.json`, 'utf8'),
  );
  const vocabulary = Object.values(groundTruth).flatMap((entry) => normalisedWords(entry.articleBody));

  const connections = Array.from({ length: workers }, () => new Redis(redisUrl));
  const prefix = `{bench-dedupe-${randomUUID()}}`;
  const indexes = connections.map((connection) => new NearDuplicateIndex(connection, { prefix }));
  const result: DedupeBenchResult = {};
  try {
    const article = (n: number) => syntheticBody(n, vocabulary);
    const fingerprintStart = performance.now();
    for (let n = 0; n < 2000; n++) fingerprintArticle({ title: '', body: article(n) });
    result.dedupe_fingerprints_per_s = Math.round(2000 / ((performance.now() - fingerprintStart) / 1000));

    // Article numbers in the index: the fill uses 0, 1, 2...; the new half of a batch 1e9 upwards.
    const stored: number[] = [];
    let nextNew = 1e9;
    for (const size of sizes) {
      const fill = Array.from({ length: Math.max(0, size - stored.length) }, (_, i) => stored.length + i);
      await claimAll(
        indexes,
        fill.map((n) => fingerprintArticle({ title: '', body: article(n) })),
      );
      stored.push(...fill);
      // Timed: half unseen articles, half teasers (first 60 %) of stored ones; fingerprints made beforehand.
      const fresh = Array.from({ length: batch / 2 }, () => nextNew++);
      const work = fresh
        .flatMap((n, i) => [article(n), teaser(article(stored[(i * 7919) % stored.length] as number))])
        .map((body) => fingerprintArticle({ title: '', body }));
      const start = performance.now();
      const claims = await claimAll(indexes, work);
      const seconds = (performance.now() - start) / 1000;
      stored.push(...fresh);
      const memory = await indexes[0]?.memoryUsage();
      const label = size >= 1000 ? `${size / 1000}k` : String(size);
      result[`dedupe_claims_per_s_${label}`] = Math.round(work.length / seconds);
      result[`dedupe_redis_bytes_per_article_${label}`] = Math.round(
        (memory?.bytes ?? 0) / (memory?.articles || 1),
      );
      // Teasers not recognised, and new articles merged into a stored one: both should be 0.
      result[`dedupe_missed_teasers_${label}`] = claims.filter(
        (claim, i) => i % 2 === 1 && claim.isNew,
      ).length;
      result[`dedupe_false_merges_${label}`] = claims.filter(
        (claim, i) => i % 2 === 0 && !claim.isNew,
      ).length;
    }

    const articles = Object.fromEntries(
      Object.entries(groundTruth).map(([id, entry]) => [id, { body: entry.articleBody, url: entry.url }]),
    );
    const score = await scorePairs(connections[0] as Redis, buildLabelledPairs(articles));
    result.dedupe_pairs = score.pairs;
    result.dedupe_pair_precision = round(score.precision);
    result.dedupe_pair_recall = round(score.recall);
    result.dedupe_aggregator_clusters = await aggregatorClusters(connections[0] as Redis, dataDir);
  } finally {
    await indexes[0]?.clear();
    for (const connection of connections) connection.disconnect();
  }
  return result;
}

/** Claims every fingerprint, `indexes.length` at a time (each index on its own connection). */
async function claimAll(indexes: NearDuplicateIndex[], fingerprints: ArticleFingerprint[]) {
  const claims = new Array<Awaited<ReturnType<NearDuplicateIndex['claim']>>>(fingerprints.length);
  let next = 0;
  await Promise.all(
    indexes.map(async (index) => {
      while (next < fingerprints.length) {
        const n = next++;
        claims[n] = await index.claim(fingerprints[n] as ArticleFingerprint);
      }
    }),
  );
  return claims;
}

/** Clusters found among the 178 expected articles of the aggregator pages (70 is right). */
async function aggregatorClusters(redis: Redis, dataDir: string): Promise<number> {
  const expected: Record<string, { articles?: Array<{ title: string; body: string }> }> = JSON.parse(
    readFileSync(`${dataDir}aggregator-pages/expected.json`, 'utf8'),
  );
  const index = new NearDuplicateIndex(redis, { prefix: `{bench-dedupe-${randomUUID()}}` });
  try {
    const ids = new Set<string>();
    for (const page of Object.values(expected)) {
      for (const article of page.articles ?? [])
        ids.add((await index.claim(fingerprintArticle(article))).articleId);
    }
    return ids.size;
  } finally {
    await index.clear();
  }
}

/**
 * A deterministic pseudo-article: 150-600 words drawn from real text, in paragraphs. Each word
 * is a hash of (n, position), not a step of a shared generator, so no two articles overlap.
 */
function syntheticBody(n: number, vocabulary: readonly string[]): string {
  const seed = fmix32(Math.imul(n, 0x9e3779b1) ^ 0x5bd1e995);
  const random = (i: number) => (fmix32(seed ^ Math.imul(i + 1, 0x85ebca6b)) >>> 0) / 4294967296;
  const length = 150 + Math.floor(random(-1) * 450);
  const words: string[] = [];
  for (let i = 0; i < length; i++) {
    words.push(vocabulary[Math.floor(random(i) * vocabulary.length)] as string);
    if (i % 60 === 59) words.push('\n\n');
  }
  return words.join(' ');
}

function teaser(body: string): string {
  const words = body.split(' ');
  return words.slice(0, Math.round(words.length * 0.6)).join(' ');
}

const round = (value: number) => Math.round(value * 1000) / 1000;

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchDedupe(), null, 1));
}
