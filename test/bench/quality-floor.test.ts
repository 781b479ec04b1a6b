import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FLOOR_TOLERANCE, floorFailures, readBaseline, writeBaseline } from '../../bench/quality-floor.ts';

const baseline = {
  quality_snippet_html_f1: 0.875,
  quality_snippet_html_f1_b: 0.871,
  quality_article_text_extra_articles: 46,
  quality_article_text_extra_articles_a: 33,
  quality_seed_article_recall: 1,
  quality_seed_article_precision: 1,
  quality_readability_f1: 0.866,
  quality_aggregator_pages: 40,
};

describe('floorFailures', () => {
  it('passes the baseline itself', () => {
    expect(floorFailures(baseline, baseline)).toEqual([]);
  });

  it('fails a drop of 0.006 and names the figure, its half and its key', () => {
    const failures = floorFailures({ ...baseline, quality_snippet_html_f1_b: 0.865 }, baseline);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain('snippet-bench HTML, half B: F1 [quality_snippet_html_f1_b]');
    expect(failures[0]).toContain('dropped to 0.865 from the baseline 0.871');
  });

  it('passes a drop of 0.004, and one of exactly the tolerance', () => {
    expect(FLOOR_TOLERANCE).toBe(0.005);
    expect(floorFailures({ ...baseline, quality_snippet_html_f1: 0.871 }, baseline)).toEqual([]);
    expect(floorFailures({ ...baseline, quality_snippet_html_f1: 0.87 }, baseline)).toEqual([]);
  });

  it('fails a rise in extra articles, of the whole set or of a half, and passes a fall', () => {
    expect(floorFailures({ ...baseline, quality_article_text_extra_articles: 47 }, baseline)).toEqual([
      expect.stringContaining('rose to 47 from the baseline 46'),
    ]);
    expect(floorFailures({ ...baseline, quality_article_text_extra_articles_a: 34 }, baseline)).toEqual([
      expect.stringContaining('[quality_article_text_extra_articles_a]'),
    ]);
    expect(floorFailures({ ...baseline, quality_article_text_extra_articles: 10 }, baseline)).toEqual([]);
  });

  it('fails the seed unless it gives exactly its articles, whatever the baseline says', () => {
    const missedOne = { ...baseline, quality_seed_article_recall: 0.75 };
    expect(floorFailures(missedOne, missedOne)).toEqual([expect.stringContaining('is 0.750, must be 1')]);
    const oneTooMany = { ...baseline, quality_seed_article_precision: 0.8 };
    expect(floorFailures(oneTooMany, baseline)).toEqual([
      expect.stringContaining('[quality_seed_article_precision]'),
    ]);
  });

  it('fails a figure of the baseline that is missing now', () => {
    const { quality_snippet_html_f1_b: _, ...rest } = baseline;
    expect(floorFailures(rest, baseline)).toEqual([expect.stringContaining('is missing (baseline 0.871)')]);
  });

  it('ignores reference and count-only figures, and figures the baseline does not have', () => {
    const current = {
      ...baseline,
      quality_readability_f1: 0.5,
      quality_aggregator_pages: 3,
      quality_snippet_text_f1: 0.1,
    };
    expect(floorFailures(current, baseline)).toEqual([]);
  });
});

describe('the baseline file', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips the figures with a meaning, with the commit and how to refresh it', () => {
    dir = mkdtempSync(join(tmpdir(), 'quality-baseline-'));
    const path = join(dir, 'baseline.json');
    writeBaseline({ ...baseline, quality_seconds: 15.3 }, 'abc1234', path);
    const read = readBaseline(path);
    expect(read.figures).toEqual(baseline);
    expect(read.commit).toBe('abc1234');
    expect(read.note).toContain('--write-baseline');
  });
});
