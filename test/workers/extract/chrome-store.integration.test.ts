import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lib/config.ts';
import { chromeFileKey, chromeLinesKey, keysMatching } from '../../../lib/keys.ts';
import { CHROME_COUNT_DEFAULTS, ChromeCounts } from '../../../workers/extract/chrome-counts.ts';
import { ChromeStore, type ChromeStoreOptions } from '../../../workers/extract/chrome-store.ts';
import { chromeKey } from '../../../workers/extract/learned-chrome.ts';

/** A key by a readable name (digits make one key of all numbers: see chromeKey). */
const k = (name: string) => chromeKey(name);
/** The n-th of many distinct keys, each seen once. */
const rare = (n: number) => 1_000_000 + n;
const { redisUrl } = loadConfig();
const { halfLifeMs, minPages } = CHROME_COUNT_DEFAULTS;
let redis: Redis;
const prefixes: string[] = [];
beforeAll(() => {
  redis = new Redis(redisUrl);
});
afterEach(async () => {
  for (const prefix of prefixes.splice(0)) {
    const keys = await redis.keys(keysMatching(prefix));
    if (keys.length > 0) await redis.del(...keys);
  }
});
afterAll(() => redis.disconnect());

/** A store under a prefix of its own, on a clock the test moves. */
function newStore(options: Partial<ChromeStoreOptions> = {}) {
  const prefix = `{test-chrome-${randomUUID()}}`;
  prefixes.push(prefix);
  const clock = { now: Date.UTC(2026, 5, 1) };
  const store = new ChromeStore(redis, { prefix, refreshMs: 0, now: () => clock.now, ...options });
  return { store, clock, prefix };
}

describe('ChromeStore', () => {
  it('writes the counts once per file, and knows a key seen on minPages files', async () => {
    const { store } = newStore();
    expect(await store.count('sha-1', [k('menu'), k('menu'), k('footer')])).toBe(true);
    expect(await store.count('sha-1', [k('menu'), k('footer')])).toBe(false);
    expect(await store.countOf(k('menu'))).toBeCloseTo(1);
    for (let i = 2; i < minPages; i++) await store.count(`sha-${i}`, [k('menu')]);
    expect((await store.known()).has(k('menu'))).toBe(false);
    await store.count(`sha-${minPages}`, [k('menu')]);
    expect(await store.countOf(k('menu'))).toBeCloseTo(minPages);
    expect([...(await store.known())]).toEqual([k('menu')]);
  });

  it('decays the counts: halved each half-life, forgotten as chrome after two', async () => {
    const { store, clock } = newStore();
    for (let i = 0; i < 8; i++) await store.count(`sha-${i}`, [k('old-menu')]);
    clock.now += halfLifeMs;
    expect(await store.countOf(k('old-menu'))).toBeCloseTo(4);
    expect((await store.known()).has(k('old-menu'))).toBe(true);
    clock.now += halfLifeMs;
    expect(await store.countOf(k('old-menu'))).toBeCloseTo(2);
    expect((await store.known()).has(k('old-menu'))).toBe(false);
    await store.count('sha-new-1', [k('old-menu')]);
    await store.count('sha-new-2', [k('old-menu')]);
    expect((await store.known()).has(k('old-menu'))).toBe(true);
  });

  it('stays bounded, evicting the lowest counts, as ChromeCounts does in memory', async () => {
    const tuning = { maxKeys: 50, evictSlack: 0.2 };
    const { store, clock, prefix } = newStore(tuning);
    const memory = new ChromeCounts(tuning);
    for (let file = 0; file < 120; file++) {
      const keys = [rare(file), rare(file + 500), file % 2 === 0 ? k('even') : k('odd'), k('menu')];
      await store.count(`sha-${file}`, keys);
      memory.count(`sha-${file}`, keys, clock.now);
      clock.now += 3600_000;
      expect(await store.size()).toBeLessThanOrEqual(60);
    }
    expect(await store.size()).toBe(memory.size);
    const kept = (await redis.zrange(chromeLinesKey(prefix), 0, -1)).map(Number);
    expect(kept).toContain(k('menu'));
    expect(kept).not.toContain(rare(0));
    expect(kept).toContain(rare(119));
    for (const key of kept) expect(await store.countOf(key)).toBeCloseTo(memory.countOf(key, clock.now), 6);
    expect(await redis.pttl(chromeLinesKey(prefix))).toBeGreaterThan(9 * halfLifeMs);
    const marker = await redis.pttl(chromeFileKey(prefix, 'sha-0'));
    expect(marker).toBeGreaterThan(halfLifeMs - 60_000);
    expect(marker).toBeLessThanOrEqual(halfLifeMs);
  });

  it('reads the known chrome once per refresh, however many files ask', async () => {
    const { store, clock } = newStore({ refreshMs: 1000 });
    for (let i = 0; i < minPages; i++) await store.count(`sha-${i}`, [k('menu')]);
    const first = await store.known();
    await store.count('sha-late', [k('footer')]);
    expect(await store.known()).toBe(first);
    clock.now += 1000;
    expect(await store.known()).not.toBe(first);
  });
});
