import { describe, expect, it } from 'vitest';
import { CHROME_COUNT_DEFAULTS, ChromeCounts } from '../../../workers/extract/chrome-counts.ts';
import { chromeKey } from '../../../workers/extract/learned-chrome.ts';

/** A key by a readable name (digits make one key of all numbers: see chromeKey). */
const k = (name: string) => chromeKey(name);
/** The n-th of many distinct keys, each seen once. */
const rare = (n: number) => 1_000_000 + n;
const DAY = 24 * 3600 * 1000;
const NOW = Date.UTC(2026, 5, 1);
const { halfLifeMs, minPages } = CHROME_COUNT_DEFAULTS;
let own = 100_000;
/** `n` files, each holding the given keys (and one key of its own). */
function countFiles(counts: ChromeCounts, n: number, keys: number[], now = NOW, tag = 'f'): void {
  for (let i = 0; i < n; i++) counts.count(`${tag}${i}`, [...keys, rare(own++)], now);
}

describe('ChromeCounts', () => {
  it('counts a file once, by its content hash, and a key once per file', () => {
    const counts = new ChromeCounts();
    expect(counts.count('sha-a', [k('menu'), k('menu'), k('footer')], NOW)).toBe(true);
    expect(counts.count('sha-a', [k('menu'), k('footer')], NOW)).toBe(false);
    expect(counts.countOf(k('menu'), NOW)).toBeCloseTo(1);
    counts.count('sha-b', [k('menu')], NOW);
    expect(counts.countOf(k('menu'), NOW)).toBeCloseTo(2);
    expect(counts.countOf(k('footer'), NOW)).toBeCloseTo(1);
  });

  it('knows a key as chrome once it was seen on minPages distinct files', () => {
    const counts = new ChromeCounts();
    countFiles(counts, minPages - 1, [k('menu')]);
    expect(counts.known(NOW).has(k('menu'))).toBe(false);
    countFiles(counts, 1, [k('menu')], NOW, 'g');
    expect(counts.known(NOW).has(k('menu'))).toBe(true);
    expect(counts.known(NOW).has(rare(own - 1))).toBe(false);
  });

  it('halves every count each half-life, so chrome a site dropped is forgotten', () => {
    const counts = new ChromeCounts();
    countFiles(counts, 8, [k('old-menu')]);
    expect(counts.countOf(k('old-menu'), NOW)).toBeCloseTo(8);
    expect(counts.countOf(k('old-menu'), NOW + halfLifeMs)).toBeCloseTo(4);
    expect(counts.countOf(k('old-menu'), NOW + 2 * halfLifeMs)).toBeCloseTo(2);
    expect(counts.known(NOW + halfLifeMs).has(k('old-menu'))).toBe(true);
    expect(counts.known(NOW + 2 * halfLifeMs).has(k('old-menu'))).toBe(false);
    // New sightings count in full against the decayed old ones.
    countFiles(counts, 2, [k('old-menu')], NOW + 2 * halfLifeMs, 'late');
    expect(counts.countOf(k('old-menu'), NOW + 2 * halfLifeMs)).toBeCloseTo(4);
  });

  it('stays bounded, evicting the lowest (old, rare) keys first', () => {
    const counts = new ChromeCounts({ maxKeys: 100, evictSlack: 0.1 });
    countFiles(counts, 10, [k('menu')]);
    for (let day = 0; day < 300; day++) counts.count(`page-${day}`, [rare(day), k('menu')], NOW + day * DAY);
    expect(counts.size).toBeLessThanOrEqual(110);
    expect(counts.size).toBeGreaterThanOrEqual(100);
    expect(counts.countOf(k('menu'), NOW)).toBeGreaterThan(10);
    // The oldest rare keys went first; the newest stayed.
    expect(counts.countOf(rare(0), NOW)).toBe(0);
    expect(counts.countOf(rare(299), NOW + 299 * DAY)).toBeCloseTo(1);
  });

  it('hands out at most maxKnown keys, the highest counts first', () => {
    const counts = new ChromeCounts({ maxKnown: 2 });
    countFiles(counts, 6, [k('a'), k('b'), k('c')], NOW, 'x');
    countFiles(counts, 2, [k('b'), k('c')], NOW, 'y');
    countFiles(counts, 1, [k('c')], NOW, 'z');
    expect([...counts.known(NOW)]).toEqual([k('c'), k('b')]);
  });

  it('leaves a file its own sighting out when asked: a file does not learn from itself', () => {
    const counts = new ChromeCounts();
    countFiles(counts, minPages - 1, [k('menu')]);
    counts.count('self', [k('menu')], NOW);
    expect(counts.known(NOW).has(k('menu'))).toBe(true);
    expect(counts.known(NOW, 'self').has(k('menu'))).toBe(false);
    // Another file, counted too, still learns it from the others.
    expect(counts.known(NOW, 'f0').has(k('menu'))).toBe(false);
    counts.count('one-more', [k('menu')], NOW);
    expect(counts.known(NOW, 'self').has(k('menu'))).toBe(true);
  });
});
