/**
 * The index of seen articles, in Redis so every dedupe worker on every machine agrees.
 *
 * Candidates come from MinHash LSH (Indyk & Motwani 1998; Leskovec, Rajaraman & Ullman,
 * "Mining of Massive Datasets", ch. 3.4): a band of r MinHash values is one index entry, and two
 * articles become candidates when any band is equal. With b bands the chance of that at Jaccard J
 * is 1 - (1 - J^r)^b, an S-curve with its steep part near (1/b)^(1/r):
 * - Body, 32 bands x 4 values (all 128): threshold ~0.42; P(candidate) is 0.9993 at J = 0.67 (5 %
 *   word edits), 0.87 at J = 0.5, 0.003 at J = 0.1 and 0.0002 at J = 0.05 (same-topic stories).
 * - Head (first 32 shingles), 16 bands x 2 values: 1 for an unedited teaser, 0.9992 at J = 0.6,
 *   0.94 at J = 0.4 (an ad line inside the head), 0.004 when one shingle is shared by chance.
 *   This finds teasers whatever their length.
 * Candidates are then verified in the same Lua script against their stored signature, so a band
 * collision never merges different articles: the shorter body's estimated containment in the
 * longer one must be >= 0.5, or the heads must match (>= 0.5) with a body containment that does
 * not contradict it. On the article-bench pairs, different articles (incl. same-topic ones) stay
 * below 0.22 containment and 0.19 head containment.
 *
 * Redis layout, all under `nearDuplicateKeyPrefix(prefix, namespace)` (lib/keys.ts; the prefix carries the
 * pipeline's hash tag, so one slot):
 * - `exact:<period>:<bucket>` hash, exact-hash tail -> article id (12 bytes)
 * - `lsh:<period>:<bucket>` hash, band-value tail -> up to `maxIdsPerBand` article ids (12 bytes each)
 * - `sig:<article id>` string, the signature (4 + 256 + 64 = 324 bytes): shingle count, then the low 16
 *   bits of each MinHash value (b-bit MinHash, Li & König 2010: a false slot match is 2^-16) and
 *   of each head shingle hash (a false shared shingle between two heads is ~1.5 %, one in 32).
 * Entries are spread over 2^bucketBits hashes so each stays small enough for Redis's compact
 * listpack encoding; per article that is one signature, one exact entry and 48 band entries,
 * independent of the article's length (measured by `memoryUsage()` and `npm run bench`).
 *
 * Bounded by time (issue 15): RedisClient keeps a window (`windowMs`, SLUICE_DEDUP_WINDOW) of the index,
 * and the lasting record is Elasticsearch (lasting-record.ts). Expiring single entries of the
 * bucket hashes needs per-field expiry (HPEXPIRE, Redis 7.4); instead time is cut into periods
 * of one window, `<period>` = floor(now / window), and the buckets of a period are whole keys that
 * expire at the end of the next period. Claims write into the current period and read the current
 * and the previous one (so an article is remembered for one to two windows, and small clock skew
 * between workers at a boundary only shifts which of the two a write lands in); one found only in
 * the previous period is written again into the current one, so what keeps being seen stays.
 * A signature expires with the last period that touched it. Memory is therefore at most two
 * windows of distinct articles, whatever the run's length, at the cost of twice the bucket reads.
 * Per-period whole keys rather than sorted-set indexes of entry times, because a sweep would
 * cost commands per article while an expiring key costs Redis nothing.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type RedisClient, scanKeys } from '../../lib/connections.ts';
import { ServiceError } from '../../lib/errors.ts';
import { keysMatching, nearDuplicateKeyPrefix } from '../../lib/keys.ts';
import { type ArticleFingerprint, fmix32 } from './fingerprint.ts';
import { encodeSignature, THRESHOLDS } from './signature.ts';

const BODY_BANDS = { bands: 32, rows: 4 } as const;
const HEAD_BANDS = { bands: 16, rows: 2 } as const;
const BANDS = BODY_BANDS.bands + HEAD_BANDS.bands;

/** Default window: a week (SLUICE_DEDUP_WINDOW). */
const DEFAULT_WINDOW_MS = 7 * 24 * 3600 * 1000;

interface Script {
  source: string;
  sha: string;
}
const script = (file: string): Script => {
  const source = readFileSync(new URL(file, import.meta.url), 'utf8');
  return { source, sha: createHash('sha1').update(source).digest('hex') };
};
const CLAIM_SCRIPT = script('./claim-articles.lua');
const SEED_SCRIPT = script('./seed-articles.lua');
const RELEASE_SCRIPT = script('./release-articles.lua');

export interface NearDuplicateIndexOptions {
  /** The pipeline's key prefix incl. hash tag, e.g. '{sluice}' (lib/keys.ts). */
  prefix: string;
  /**
   * Which dedup state: default `dedupe`, the alias's first index; a reindex builds the state of
   * its new index afresh under the index's name (lib/keys.ts).
   */
  namespace?: string;
  /**
   * log2 of the number of bucket hashes entries are spread over. Default 16: up to ~300k articles
   * keep <= 128 entries per bucket (Redis's default `hash-max-listpack-entries`); raise it by one
   * per doubling beyond that.
   */
  bucketBits?: number;
  /** Article ids kept per LSH band value (colliding articles beyond it are still found by other bands); default 4. */
  maxIdsPerBand?: number;
  /** How long an article not seen again stays, in ms: one to two windows (module comment). Default 7 days. */
  windowMs?: number;
  /** The clock, ms since the epoch (tests); default `Date.now`. */
  now?: () => number;
}

export interface ClaimResult {
  /**
   * The article's stable id (the Elasticsearch `_id`): the exact hash of its first version, or
   * the id asked for when it was registered (`claimAll`'s `ids`).
   */
  articleId: string;
  /** True when this fingerprint registered the article (also on a retry of that claim). */
  isNew: boolean;
  /**
   * How it was decided: same normalised body, verified near-duplicate, or new; `miss` (no id) when
   * the claim was asked not to register what nothing matched.
   */
  match: 'exact' | 'near' | 'new' | 'miss';
}

/** An id a reindex keeps (`claimAll`'s `ids`): the old index's document, and whether it held this version. */
export interface KeptId {
  articleId: string;
  sameVersion: boolean;
}

/** An article to put back into the index (found in the lasting record). */
export interface SeedArticle {
  articleId: string;
  /** Its signature, as `encodeSignature` writes it. */
  signature: Buffer;
  /** Its band values (`bandValues`), 8 bytes each. */
  bands: readonly Buffer[];
  /** An exact fingerprint (hex) to point at it: the body being claimed, when the record has it. */
  exact?: string;
}

export interface IndexMemoryUsage {
  /** Keys of this index. */
  keys: number;
  /** Sum of `MEMORY USAGE` over those keys, in bytes. */
  bytes: number;
  /** Stored articles (signature keys). */
  articles: number;
}

export class NearDuplicateIndex {
  readonly #redis: RedisClient;
  readonly #keyPrefix: string;
  readonly #bucketBits: number;
  readonly #maxIdsPerBand: number;
  readonly #windowMs: number;
  readonly #now: () => number;

  constructor(redis: RedisClient, options: NearDuplicateIndexOptions) {
    const bucketBits = options.bucketBits ?? 16;
    const maxIdsPerBand = options.maxIdsPerBand ?? 4;
    if (!Number.isInteger(bucketBits) || bucketBits < 4 || bucketBits > 24) {
      throw new RangeError(`bucketBits: expected a whole number from 4 to 24, got ${bucketBits}`);
    }
    if (!Number.isInteger(maxIdsPerBand) || maxIdsPerBand < 1 || maxIdsPerBand > 5) {
      // 5 ids x 12 bytes stays under Redis's default hash-max-listpack-value (64 bytes).
      throw new RangeError(`maxIdsPerBand: expected a whole number from 1 to 5, got ${maxIdsPerBand}`);
    }
    const windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    if (!Number.isInteger(windowMs) || windowMs < 1000) {
      throw new RangeError(`windowMs: expected a whole number of ms >= 1000, got ${windowMs}`);
    }
    this.#windowMs = windowMs;
    this.#now = options.now ?? Date.now;
    this.#redis = redis;
    this.#keyPrefix = nearDuplicateKeyPrefix(options.prefix, options.namespace);
    this.#bucketBits = bucketBits;
    this.#maxIdsPerBand = maxIdsPerBand;
  }

  /** One article's claim: `claimAll` of just it. */
  async claim(fingerprint: ArticleFingerprint): Promise<ClaimResult> {
    return (await this.claimAll([fingerprint]))[0] as ClaimResult;
  }

  /**
   * Atomically, in one script call for all of a file's articles, in order: finds the article each
   * one duplicates (exact or near, incl. containment, earlier articles of the same call included),
   * or registers it as new (with `register: false`, answers `miss` for it and writes nothing).
   * Returns each article's stable id (the Elasticsearch _id) and whether it is new. Idempotent on retry.
   * `ids` (same order, optional per article) are the ids a reindex keeps from the old index
   * (issue 17): with `sameVersion`, the old document held this very version, and the article gets
   * that id unless the new index knows its version already; otherwise the id is the one to
   * register a new article under while no article has it, and a near-duplicate of a known
   * article gets that one's id as without it (claim-articles.lua).
   */
  async claimAll(
    fingerprints: readonly ArticleFingerprint[],
    { register = true, ids }: { register?: boolean; ids?: readonly (KeptId | undefined)[] } = {},
  ): Promise<ClaimResult[]> {
    if (fingerprints.length === 0) return [];
    const period = this.#period();
    const keys: string[] = [];
    const args: Array<string | Buffer | number> = [
      `${this.#keyPrefix}sig:`,
      this.#maxIdsPerBand,
      THRESHOLDS.minContainment,
      THRESHOLDS.minHeadContainment,
      THRESHOLDS.minHeadBodyContainment,
      THRESHOLDS.minExpectedMatches,
      THRESHOLDS.minShingles,
      BANDS,
      this.#expireAt(period),
      register ? '1' : '0',
    ];
    for (const [i, fingerprint] of fingerprints.entries()) {
      const { exact, bands } = this.#claimKeys(fingerprint, period, keys);
      args.push(
        this.#bucketField(exact),
        fingerprint.exact,
        exact,
        encodeSignature(fingerprint),
        ids?.[i]?.articleId ?? '',
        ids?.[i]?.sameVersion ? '1' : '0',
        ...bands.map((band) => this.#bucketField(band)),
      );
    }
    const reply = (await this.#run(CLAIM_SCRIPT, keys, args, 'Claiming articles')) as Array<string | number>;
    return fingerprints.map((_, i) => ({
      articleId: reply[3 * i] as string,
      isNew: reply[3 * i + 1] === 1,
      match: reply[3 * i + 2] as ClaimResult['match'],
    }));
  }

  /**
   * Takes articles back out of the index, in one script call: what claiming `fingerprint` wrote
   * for `articleId` (its exact entry, its place under the band values, its signature), in the
   * current and the previous period. For articles whose content was superseded and whose
   * documents were deleted (a half-written file), so that later claims, such as the complete
   * file's, do not take their articles for duplicates of them.
   */
  async release(
    articles: ReadonlyArray<{ articleId: string; fingerprint: ArticleFingerprint }>,
  ): Promise<void> {
    if (articles.length === 0) return;
    const period = this.#period();
    const keys: string[] = [];
    const args: Array<string | Buffer | number> = [`${this.#keyPrefix}sig:`, BANDS];
    for (const { articleId, fingerprint } of articles) {
      const { exact, bands } = this.#claimKeys(fingerprint, period, keys);
      args.push(
        this.#bucketField(exact),
        Buffer.from(articleId, 'hex'),
        ...bands.map((band) => this.#bucketField(band)),
      );
    }
    await this.#run(RELEASE_SCRIPT, keys, args, 'Releasing articles');
  }

  /**
   * Pushes the keys a claim of `fingerprint` touches onto `keys`: the exact bucket of this period
   * and the previous one, then the LSH bucket of each band in this period and in the previous one.
   */
  #claimKeys(fingerprint: ArticleFingerprint, period: number, keys: string[]) {
    const exact = Buffer.from(fingerprint.exact, 'hex');
    const bands = bandValues(fingerprint);
    keys.push(
      this.#bucketKey('exact', period, exact),
      this.#bucketKey('exact', period - 1, exact),
      ...bands.map((band) => this.#bucketKey('lsh', period, band)),
      ...bands.map((band) => this.#bucketKey('lsh', period - 1, band)),
    );
    return { exact, bands };
  }

  /** Puts articles found elsewhere (the lasting record) into the current period, in one script call. */
  async seed(articles: readonly SeedArticle[]): Promise<void> {
    if (articles.length === 0) return;
    const period = this.#period();
    const keys: string[] = [];
    const args: Array<string | Buffer | number> = [
      `${this.#keyPrefix}sig:`,
      this.#maxIdsPerBand,
      this.#expireAt(period),
      BANDS,
    ];
    for (const article of articles) {
      if (article.bands.length !== BANDS) {
        throw new RangeError(
          `Seeded article ${article.articleId}: expected ${BANDS} bands, got ${article.bands.length}`,
        );
      }
      const exact = Buffer.from(article.exact ?? article.articleId, 'hex');
      keys.push(
        this.#bucketKey('exact', period, exact),
        ...article.bands.map((band) => this.#bucketKey('lsh', period, band)),
      );
      args.push(
        article.articleId,
        Buffer.from(article.articleId, 'hex'),
        article.signature,
        article.exact ? this.#bucketField(exact) : '',
        ...article.bands.map((band) => this.#bucketField(band)),
      );
    }
    await this.#run(SEED_SCRIPT, keys, args, 'Seeding articles');
  }

  async #run(
    script: Script,
    keys: string[],
    args: Array<string | Buffer | number>,
    what: string,
  ): Promise<unknown> {
    try {
      // EVALSHA first, EVAL (which caches the script) when the server does not know it yet.
      return await this.#redis
        .evalsha(script.sha, keys.length, ...keys, ...args)
        .catch((error: Error) =>
          error.message.startsWith('NOSCRIPT')
            ? this.#redis.eval(script.source, keys.length, ...keys, ...args)
            : Promise.reject(error),
        );
    } catch (error) {
      throw new ServiceError('REDIS_DEDUPE_FAILED', `${what} in Redis failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  #period(): number {
    return Math.floor(this.#now() / this.#windowMs);
  }

  /** The keys of a period live until the end of the next one. */
  #expireAt(period: number): number {
    return (period + 2) * this.#windowMs;
  }

  /** Memory the index takes in Redis, measured key by key (SCAN + MEMORY USAGE). */
  async memoryUsage(): Promise<IndexMemoryUsage> {
    const usage: IndexMemoryUsage = { keys: 0, bytes: 0, articles: 0 };
    for await (const keys of this.#scan()) {
      const pipeline = this.#redis.pipeline();
      for (const key of keys) pipeline.memory('USAGE', key, 'SAMPLES', 0);
      const results = (await pipeline.exec()) ?? [];
      for (const [index, key] of keys.entries()) {
        usage.keys++;
        usage.bytes += Number(results[index]?.[1] ?? 0);
        if (key.startsWith(`${this.#keyPrefix}sig:`)) usage.articles++;
      }
    }
    return usage;
  }

  /** Deletes every key of this index (tests, benchmarks, a re-index from scratch). */
  async clear(): Promise<void> {
    for await (const keys of this.#scan()) if (keys.length > 0) await this.#redis.unlink(...keys);
  }

  #scan(): AsyncIterable<string[]> {
    return scanKeys(this.#redis, keysMatching(this.#keyPrefix));
  }

  /** The bucket is the value's first bucketBits bits, so the field only needs the rest. */
  #bucketKey(kind: 'exact' | 'lsh', period: number, value: Buffer): string {
    const bucket = value.readUInt32BE(0) >>> (32 - this.#bucketBits);
    return `${this.#keyPrefix}${kind}:${period.toString(36)}:${bucket.toString(16)}`;
  }

  #bucketField(value: Buffer): Buffer {
    return value.subarray(Math.floor(this.#bucketBits / 8));
  }
}

/**
 * One 8-byte value per band (body bands, then head bands); the band number is hashed in. These are
 * also the keys of the lasting record (each document's `bandKeys`, in hex).
 */
export function bandValues(fingerprint: ArticleFingerprint): Buffer[] {
  const values: Buffer[] = [];
  const add = (
    minhash: readonly number[],
    { bands, rows }: { bands: number; rows: number },
    first: number,
  ) => {
    for (let band = 0; band < bands; band++) {
      let high = fmix32(first + band + 1);
      let low = fmix32(~(first + band));
      for (let row = band * rows; row < (band + 1) * rows; row++) {
        const value = minhash[row] as number;
        high = fmix32(Math.imul(high ^ value, 0xcc9e2d51));
        low = fmix32(Math.imul(low ^ value, 0x1b873593) + 0xe6546b64);
      }
      const buffer = Buffer.allocUnsafe(8);
      buffer.writeUInt32BE(high >>> 0, 0);
      buffer.writeUInt32BE(low >>> 0, 4);
      values.push(buffer);
    }
  };
  add(fingerprint.minhash, BODY_BANDS, 0);
  add(fingerprint.headMinhash, HEAD_BANDS, BODY_BANDS.bands);
  return values;
}
