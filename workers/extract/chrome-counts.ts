/**
 * Counting learned chrome (learned-chrome.ts): in how many distinct files each short-line key was
 * seen, with counts that decay and a bounded number of keys. `ChromeCounts` keeps them in memory
 * (`sluice extract` over several files, the benchmark); chrome-store.ts keeps the same counts in
 * Redis for the pipeline, by the same rules, which live here:
 *
 * - Decay without a sweep: a sighting at time t adds 2^((t - CHROME_EPOCH) / halfLife) to its
 *   key's score, so a key's count at `now`, score / 2^((now - CHROME_EPOCH) / halfLife), halves
 *   every half-life without touching the stored scores. (Scores stay finite for about 1000
 *   half-lives past the epoch: two decades at the default week.)
 * - A file counts once, by its content hash: a retried job or the same page again adds nothing.
 * - Bounded: past `maxKeys * (1 + evictSlack)` keys, the lowest scores (ties: the smaller key)
 *   go, down to `maxKeys`; old and rare lines go first.
 * - Known chrome: the keys whose count reaches `minPages` (knownThreshold), highest first, at
 *   most `maxKnown`.
 */

import type { ChromeKey } from './learned-chrome.ts';

/** The tuning of chrome counting, in one place: each value with the reason it has. */
export const CHROME_COUNT_DEFAULTS = {
  /**
   * A line seen on this many distinct pages is chrome: two or three pages share a related
   * article's lines or a common subheading; a menu or a footer is on every page of its site.
   */
  minPages: 4,
  /** A sighting counts half after this long (ms): chrome a site has dropped fades within weeks. */
  halfLifeMs: 7 * 24 * 3600 * 1000,
  /** Keys kept: a page has ~100 short lines, most unique, so room for a few hundred pages' worth. */
  maxKeys: 20_000,
  /** Eviction waits until this share over maxKeys, so that it runs once per many files, not every file. */
  evictSlack: 0.1,
  /** Known keys handed to one extraction at most (the highest counts): what crosses into its thread stays small. */
  maxKnown: 5000,
} as const;

/** The tuning, any part of it overridden (tests, the Redis store's options). */
export type ChromeCountOptions = { -readonly [K in keyof typeof CHROME_COUNT_DEFAULTS]?: number };

/** Where the decay's clock starts (scores are relative to it): 2026-01-01 UTC. */
export const CHROME_EPOCH = Date.UTC(2026, 0, 1);

/** What one sighting at `now` adds to a key's score. */
export function sightingWeight(now: number, halfLifeMs: number): number {
  return 2 ** ((now - CHROME_EPOCH) / halfLifeMs);
}

/**
 * The score a key needs at `now` to be known chrome: a decayed count of minPages less a half, so
 * that minPages sightings within a day (a seventh of the half-life) count as minPages, while
 * minPages - 1 never do.
 */
export function knownThreshold(now: number, options: { minPages: number; halfLifeMs: number }): number {
  return (options.minPages - 0.5) * sightingWeight(now, options.halfLifeMs);
}

/** Chrome counts in memory, by the rules of the module comment. */
export class ChromeCounts {
  readonly #options: Required<ChromeCountOptions>;
  readonly #scores = new Map<ChromeKey, number>();
  /** Every file counted, by content hash, with its keys and what its sighting added (to leave it out again). */
  readonly #files = new Map<string, { keys: ReadonlySet<ChromeKey>; weight: number }>();

  constructor(options: ChromeCountOptions = {}) {
    this.#options = { ...CHROME_COUNT_DEFAULTS, ...options };
  }

  /** Counts one file's keys (chromeKeys of the page) once per file; false when it was counted before. */
  count(fileHash: string, keys: readonly ChromeKey[], now = Date.now()): boolean {
    if (this.#files.has(fileHash)) return false;
    const unique = new Set(keys);
    const weight = sightingWeight(now, this.#options.halfLifeMs);
    this.#files.set(fileHash, { keys: unique, weight });
    for (const key of unique) this.#scores.set(key, (this.#scores.get(key) ?? 0) + weight);
    const { maxKeys, evictSlack } = this.#options;
    if (this.#scores.size > maxKeys * (1 + evictSlack)) {
      const lowest = [...this.#scores].sort(byScoreThenKey).slice(0, this.#scores.size - maxKeys);
      for (const [key] of lowest) this.#scores.delete(key);
    }
    return true;
  }

  /** A key's count at `now`: the distinct files it was seen in, each halved per half-life since. */
  countOf(key: ChromeKey, now = Date.now()): number {
    return (this.#scores.get(key) ?? 0) / sightingWeight(now, this.#options.halfLifeMs);
  }

  /** Keys kept. */
  get size(): number {
    return this.#scores.size;
  }

  /**
   * The known chrome at `now` (highest counts first, at most maxKnown). With `without`, a counted
   * file's own sighting is left out: what the other files teach about it.
   */
  known(now = Date.now(), without?: string): Set<ChromeKey> {
    const { maxKnown } = this.#options;
    const threshold = knownThreshold(now, this.#options);
    const own = without === undefined ? undefined : this.#files.get(without);
    return new Set(
      [...this.#scores]
        .map(([key, score]): [ChromeKey, number] => [key, own?.keys.has(key) ? score - own.weight : score])
        .filter(([, score]) => score >= threshold)
        .sort((a, b) => byScoreThenKey(b, a))
        .slice(0, maxKnown)
        .map(([key]) => key),
    );
  }
}

/** Lowest score first; a tie in the order Redis keeps members, by their decimal text. */
function byScoreThenKey(a: readonly [ChromeKey, number], b: readonly [ChromeKey, number]): number {
  if (a[1] !== b[1]) return a[1] - b[1];
  const [x, y] = [String(a[0]), String(b[0])];
  return x < y ? -1 : x > y ? 1 : 0;
}
