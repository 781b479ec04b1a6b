import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  fingerprintArticle,
  HEAD_MINHASH_SIZE,
  HEAD_SHINGLES,
  MINHASH_SIZE,
  normalisedWords,
} from '../../../workers/dedupe/fingerprint.ts';

const bodies: Record<string, { body: string }> = JSON.parse(
  readFileSync(new URL('../../fixtures/dedupe/article-bench-bodies.json', import.meta.url), 'utf8'),
);
const story = (bodies['432362af0be43f6d'] as { body: string }).body;
const fingerprint = (body: string) => fingerprintArticle({ title: 'Any title', body });

describe('normalisedWords', () => {
  it('folds case, punctuation and every kind of whitespace', () => {
    expect(normalisedWords('  Hello,\tWORLD!\n\n— It’s 2025… ')).toEqual([
      'hello',
      'world',
      'it',
      's',
      '2025',
    ]);
  });

  it('keeps letters of every script', () => {
    expect(normalisedWords('Ação rápida: 北京 Ünïcode')).toEqual(['ação', 'rápida', '北京', 'ünïcode']);
  });
});

describe('fingerprintArticle', () => {
  it('gives the same exact fingerprint when only case, whitespace or punctuation differ', () => {
    const variant = story.toUpperCase().replace(/\n+/g, ' ').replace(/[,.]/g, ' ; ');
    expect(fingerprint(variant).exact).toBe(fingerprint(story).exact);
  });

  it('ignores the title, which aggregators rewrite', () => {
    expect(fingerprintArticle({ title: 'Other', body: story })).toEqual(
      fingerprintArticle({ title: 'One', body: story }),
    );
  });

  it('gives different exact fingerprints to bodies that differ by one word', () => {
    expect(fingerprint(`${story} Extra`).exact).not.toBe(fingerprint(story).exact);
  });

  it('has fixed-size signatures whatever the body length', () => {
    for (const body of ['One two three.', story, story.repeat(20)]) {
      const { exact, minhash, headMinhash, head } = fingerprint(body);
      expect(exact).toMatch(/^[0-9a-f]{24}$/);
      expect(minhash).toHaveLength(MINHASH_SIZE);
      expect(headMinhash).toHaveLength(HEAD_MINHASH_SIZE);
      expect(head.length).toBeLessThanOrEqual(HEAD_SHINGLES);
    }
  });

  it('gives a teaser the same head as its full article', () => {
    const teaser = story.split(' ').slice(0, 60).join(' ');
    expect(fingerprint(teaser).head).toEqual(fingerprint(story).head);
  });

  it('estimates Jaccard similarity from MinHash within its standard error', () => {
    // Same text with every 10th word replaced: about 40 % of the 4-word shingles change.
    const words = story.split(/\s+/);
    const edited = words.map((word, i) => (i % 10 === 5 ? `x${i}` : word)).join(' ');
    const shingles = (text: string) => {
      const w = normalisedWords(text);
      return new Set(w.slice(0, -3).map((_, i) => w.slice(i, i + 4).join(' ')));
    };
    const a = shingles(story);
    const b = shingles(edited);
    const shared = [...a].filter((s) => b.has(s)).length;
    const jaccard = shared / (a.size + b.size - shared);
    const [x, y] = [fingerprint(story), fingerprint(edited)];
    const estimate = x.minhash.filter((value, slot) => value === y.minhash[slot]).length / MINHASH_SIZE;
    expect(Math.abs(estimate - jaccard)).toBeLessThan(
      3 * Math.sqrt((jaccard * (1 - jaccard)) / MINHASH_SIZE),
    );
  });

  it('fingerprints an empty body without failing', () => {
    expect(fingerprint('').shingleCount).toBe(0);
  });
});
