/**
 * Learned chrome in Redis (issue 12, item 4): the counts of chrome-counts.ts, by its rules, shared
 * by every worker of a pipeline. Per file, one script call counts its keys (count-chrome.lua:
 * once per content, by a marker key; six commands inside, however many keys); what extraction
 * is taught is read with one ZRANGE, at most once per `refreshMs` per process, and shared by the
 * files extracted meanwhile.
 *
 * Layout (lib/keys.ts), under the pipeline's prefix:
 * - `chrome:lines` sorted set, key -> score (a sighting adds its decay weight); at most
 *   maxKeys * (1 + evictSlack) members; expires 10 half-lives after the last write;
 * - `chrome:file:<sha256>` string, the marker of a counted file; expires after one half-life (a
 *   retry comes within hours, and the ledger keeps a repeat of the content from being read
 *   again for a dedup window): ~150 bytes per file of the last week.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RedisClient } from '../../lib/connections.ts';
import { chromeFileKey, chromeLinesKey } from '../../lib/keys.ts';
import {
  CHROME_COUNT_DEFAULTS,
  type ChromeCountOptions,
  knownThreshold,
  sightingWeight,
} from './chrome-counts.ts';
import type { ChromeKey, KnownChrome } from './learned-chrome.ts';

const SOURCE = readFileSync(new URL('./count-chrome.lua', import.meta.url), 'utf8');
const SHA = createHash('sha1').update(SOURCE).digest('hex');
/** The counts live this many half-lives past the last write (by then a count is a thousandth). */
const LIFETIME_HALF_LIVES = 10;
/**
 * A file's keys counted at most: pages have ~100 short lines; the script hands them to Redis in one
 * ZMSCORE and one ZADD, and Lua unpacks at most ~8000 values at once.
 */
const MAX_KEYS_PER_FILE = 2000;

export interface ChromeStoreOptions extends ChromeCountOptions {
  /** The pipeline's key prefix incl. hash tag (lib/keys.ts). */
  prefix: string;
  /** How long one read of the known chrome serves, ms; default 1000. */
  refreshMs?: number;
  /** The clock, ms since the epoch (tests); default `Date.now`. */
  now?: () => number;
}

export class ChromeStore {
  readonly #redis: RedisClient;
  readonly #prefix: string;
  readonly #counts: Required<ChromeCountOptions>;
  readonly #refreshMs: number;
  readonly #now: () => number;
  #known: { at: number; keys: Promise<KnownChrome> } | null = null;

  constructor(redis: RedisClient, options: ChromeStoreOptions) {
    const { prefix, refreshMs = 1000, now = Date.now, ...counts } = options;
    this.#redis = redis;
    this.#prefix = prefix;
    this.#counts = { ...CHROME_COUNT_DEFAULTS, ...counts };
    this.#refreshMs = refreshMs;
    this.#now = now;
  }

  /** Counts one file's keys once per content hash; false when the file was counted before. */
  async count(fileHash: string, keys: readonly ChromeKey[]): Promise<boolean> {
    const { halfLifeMs, maxKeys, evictSlack } = this.#counts;
    const unique = [...new Set(keys)].slice(0, MAX_KEYS_PER_FILE);
    const args = [
      String(sightingWeight(this.#now(), halfLifeMs)),
      String(Math.ceil(halfLifeMs)),
      String(Math.ceil(LIFETIME_HALF_LIVES * halfLifeMs)),
      String(maxKeys),
      String(Math.floor(maxKeys * (1 + evictSlack))),
      ...unique.map(String),
    ];
    const keyNames = [chromeLinesKey(this.#prefix), chromeFileKey(this.#prefix, fileHash)];
    const counted = await this.#redis
      .evalsha(SHA, keyNames.length, ...keyNames, ...args)
      .catch((error: Error) =>
        error.message.startsWith('NOSCRIPT')
          ? this.#redis.eval(SOURCE, keyNames.length, ...keyNames, ...args)
          : Promise.reject(error),
      );
    return counted === 1;
  }

  /** The known chrome now (at most `refreshMs` old): the keys seen on minPages files, highest first. */
  known(): Promise<KnownChrome> {
    const now = this.#now();
    if (this.#known === null || now - this.#known.at >= this.#refreshMs) {
      const { maxKnown } = this.#counts;
      const keys = this.#redis
        .zrange(
          chromeLinesKey(this.#prefix),
          '+inf',
          String(knownThreshold(now, this.#counts)),
          'BYSCORE',
          'REV',
          'LIMIT',
          0,
          maxKnown,
        )
        .then((members) => new Set(members.map(Number)));
      // A failed read is not kept: the next file asks again.
      keys.catch(() => {
        if (this.#known?.keys === keys) this.#known = null;
      });
      this.#known = { at: now, keys };
    }
    return this.#known.keys;
  }

  /** A key's count now (tests, diagnosis): the distinct files it was seen in, decayed. */
  async countOf(key: ChromeKey): Promise<number> {
    const score = await this.#redis.zscore(chromeLinesKey(this.#prefix), String(key));
    return Number(score ?? 0) / sightingWeight(this.#now(), this.#counts.halfLifeMs);
  }

  /** Keys kept. */
  size(): Promise<number> {
    return this.#redis.zcard(chromeLinesKey(this.#prefix));
  }
}
