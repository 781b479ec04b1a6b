import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildCorpus, varyPage, vocabularyOf } from '../../bench/corpus.ts';
import { fingerprintArticle } from '../../workers/dedupe/fingerprint.ts';
import { extractArticles } from '../../workers/extract/extract-articles.ts';

const page = (name: string) => readFileSync(new URL(`../fixtures/pages/${name}`, import.meta.url), 'utf8');
const seed = page('daily8-china-russia.txt');
const pages = [
  { name: 'daily8-china-russia.txt', text: seed },
  { name: 'aggregator-more-stories.txt', text: page('aggregator-more-stories.txt') },
];
const vocabulary = vocabularyOf(pages.map((p) => p.text));
const capturedAt = new Date('2025-07-27T12:00:00Z');
const articlesOf = (text: string) =>
  extractArticles(new TextEncoder().encode(text), { fileName: 'page.txt', capturedAt });

/** Share of one body's 4-word shingles found in the other's, from the exact shingle lists. */
function sharedShingles(a: string, b: string): number {
  const shingles = (text: string) => {
    const words = text
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean);
    return new Set(words.slice(3).map((_, i) => words.slice(i, i + 4).join(' ')));
  };
  const x = shingles(a);
  const y = shingles(b);
  return [...x].filter((s) => y.has(s)).length / Math.max(1, x.size);
}

describe('the benchmark corpus', () => {
  it('keeps a page as it is under the empty key and rewrites it differently under each other key', () => {
    expect(varyPage(seed, '', vocabulary)).toBe(seed);
    expect(varyPage(seed, '1', vocabulary)).not.toBe(seed);
    expect(varyPage(seed, '1', vocabulary)).not.toBe(varyPage(seed, '2', vocabulary));
    expect(varyPage(seed, '3', vocabulary)).toBe(varyPage(seed, '3', vocabulary));
  });

  it('keeps the line structure and the short header lines of a page', () => {
    const varied = varyPage(seed, '5', vocabulary).split('\n');
    const original = seed.split('\n');
    expect(varied).toHaveLength(original.length);
    expect(varied).toContain('2 hours ago');
    expect(varied).toContain('- Time of India');
  });

  it('splits a rewritten page into as many articles as the page, with bodies another key does not share', () => {
    const original = articlesOf(seed);
    const first = articlesOf(varyPage(seed, '1', vocabulary));
    const second = articlesOf(varyPage(seed, '2', vocabulary));
    expect(first).toHaveLength(original.length);
    expect(second).toHaveLength(original.length);
    first.forEach((article, i) => {
      const other = second[i]?.body ?? '';
      expect(sharedShingles(article.body, other)).toBeLessThan(0.3);
      expect(fingerprintArticle(article).exact).not.toBe(
        fingerprintArticle({ title: '', body: other }).exact,
      );
    });
  });

  it('rewrites a sentence the same way wherever it appears under one key', () => {
    const sentence =
      'Russia on Saturday said it had wrested two villages in central Ukraine from its forces.';
    const a = varyPage(`Intro line here\n${sentence}\n`, '4', vocabulary).split('\n')[1];
    const b = varyPage(`${sentence}\nOther text`, '4', vocabulary).split('\n')[0];
    expect(a).toBe(b);
    expect(a).not.toBe(sentence);
  });

  it('names files uniquely and cycles through all pages before repeating one', () => {
    const corpus = buildCorpus(pages, 5, vocabulary);
    expect(corpus.map((file) => file.name)).toEqual([
      '000-daily8-china-russia.txt',
      '000-aggregator-more-stories.txt',
      '001-daily8-china-russia.txt',
      '001-aggregator-more-stories.txt',
      '002-daily8-china-russia.txt',
    ]);
  });
});
