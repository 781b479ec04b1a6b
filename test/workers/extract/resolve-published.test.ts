import { describe, expect, it } from 'vitest';
import { resolvePublished } from '../../../workers/extract/resolve-published.ts';

const capturedAt = new Date('2025-07-26T12:00:00Z');

describe('resolvePublished', () => {
  it.each([
    ['2019-11-19', '2019-11-19T00:00:00.000Z'],
    ['2019-11-19T08:03:00+02:00', '2019-11-19T06:03:00.000Z'],
    ['  2019-11-19T08:03:00Z ', '2019-11-19T08:03:00.000Z'],
    ['Tue, 19 Nov 2019 08:03:00 GMT', '2019-11-19T08:03:00.000Z'],
    ['Nov. 19, 2019 8:03 am ET', '2019-11-19T08:03:00.000Z'],
    ['2 hours ago', '2025-07-26T10:00:00.000Z'],
    ['Yesterday', '2025-07-25T12:00:00.000Z'],
  ])('reads "%s" as %s', (value, iso) => {
    expect(resolvePublished(value, capturedAt)).toBe(iso);
  });

  it('is null for an ISO-shaped value that is no date', () => {
    expect(resolvePublished('2019-13-45', capturedAt)).toBeNull();
  });

  it('is null for digits without a year, which the lenient Date parser would take', () => {
    expect(resolvePublished('12', capturedAt)).toBeNull();
    expect(resolvePublished('Issue 7', capturedAt)).toBeNull();
  });

  it('is null for empty or wordy values', () => {
    expect(resolvePublished('', capturedAt)).toBeNull();
    expect(resolvePublished('sometime soon', capturedAt)).toBeNull();
  });
});
