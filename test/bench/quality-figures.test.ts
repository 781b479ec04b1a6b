import { describe, expect, it } from 'vitest';
import {
  figureKey,
  formatQualityTable,
  KEY_MEANINGS,
  QUALITY_SETS,
  referenceFigures,
} from '../../bench/quality-figures.ts';

const figures = {
  quality_article_text_body_f1: 0.958,
  quality_article_text_body_f1_a: 0.972,
  quality_article_text_body_f1_b: 0.947,
  quality_article_text_extra_articles: 46,
  quality_article_text_extra_articles_a: 33,
  quality_article_text_extra_articles_b: 13,
  quality_seed_articles: 4,
  quality_seed_articles_a: 4,
  quality_readability_f1: 0.866,
};

describe('figure keys', () => {
  it('are quality_<set>_<figure>, with _a / _b for the halves', () => {
    expect(figureKey('snippet_html', 'f1', 'all')).toBe('quality_snippet_html_f1');
    expect(figureKey('snippet_html', 'f1', 'A')).toBe('quality_snippet_html_f1_a');
    expect(figureKey('snippet_html', 'f1', 'B')).toBe('quality_snippet_html_f1_b');
  });

  it('each mean one figure of one set and part', () => {
    const figureCount = QUALITY_SETS.reduce((sum, set) => sum + set.figures.length, 0);
    expect(KEY_MEANINGS.size).toBe(figureCount * 3);
    expect(KEY_MEANINGS.get('quality_article_text_extra_articles_b')).toMatchObject({
      set: { key: 'article_text' },
      figure: { name: 'extra_articles', better: 'lower' },
      part: 'B',
    });
  });

  it('go into the JSON line as plain numbers', () => {
    expect(JSON.parse(JSON.stringify(figures))).toEqual(figures);
  });
});

describe('formatQualityTable', () => {
  const lines = formatQualityTable(figures);
  const lineOf = (set: string, label: string) => {
    const start = lines.indexOf(set);
    return lines.slice(start).find((line) => line.trimStart().startsWith(label)) ?? '';
  };

  it('has a column for the whole set and one for each half', () => {
    expect(lines[0]).toMatch(/^Quality \(shared scorers\)\s+whole\s+A\s+B$/);
  });

  it('prints each set under its label and each figure on its own line, in the columns', () => {
    for (const set of QUALITY_SETS) expect(lines).toContain(set.label);
    expect(lines).toHaveLength(1 + QUALITY_SETS.reduce((sum, set) => sum + 1 + set.figures.length, 0));
    expect(lineOf('article-bench text dumps', 'body F1')).toMatch(/body F1\s+0\.958\s+0\.972\s+0\.947$/);
  });

  it('prints counts without decimals and "-" where a part has no figure', () => {
    expect(lineOf('article-bench text dumps', 'extra articles')).toMatch(/\s46\s+33\s+13$/);
    expect(lineOf('seed page', 'articles found')).toMatch(/\s4\s+4\s+-$/);
    expect(lineOf('article-bench HTML', 'body F1')).toMatch(/body F1\s+-\s+-\s+-$/);
  });
});

describe('referenceFigures', () => {
  it('picks the Readability.js figures only', () => {
    expect(referenceFigures(figures)).toEqual({ quality_readability_f1: 0.866 });
  });
});
