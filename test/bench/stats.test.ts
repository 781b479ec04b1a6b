import { describe, expect, it } from 'vitest';
import { median, percentile } from '../../bench/stats.ts';

describe('stats', () => {
  it('takes the nearest-rank percentile of unsorted values', () => {
    const values = [9, 1, 5, 3, 7];
    expect(median(values)).toBe(5);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile(values, 95)).toBe(9);
    expect(percentile(values, 100)).toBe(9);
    expect(median([4, 2])).toBe(2);
  });

  it('leaves its input in order and answers NaN for no values', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
    expect(median([])).toBeNaN();
  });
});
