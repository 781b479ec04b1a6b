import { describe, expect, it } from 'vitest';
import { toPageLines } from '../../../workers/extract/page-lines.ts';
import { findHeaders } from '../../../workers/extract/segment-headers.ts';

const capturedAt = new Date('2025-07-26T12:00:00Z');
const PARAGRAPH =
  'The council met on Tuesday and agreed to fund the new bridge, which will open next spring after two years of work.';

/** The headers of a page made of `rows`, as title, source, written time and line span. */
function headersOf(rows: readonly string[]) {
  return findHeaders(toPageLines(rows.join('\n'), capturedAt)).map((header) => ({
    title: header.title,
    source: header.source,
    published: header.published?.text ?? null,
    span: [header.start, header.end],
  }));
}

describe('findHeaders', () => {
  it('reads an outlet, a time, the outlet again and a headline as one header naming the outlet', () => {
    const rows = ['', 'Time of India', '2 hours ago', '- Time of India', 'Pope receives cleric', PARAGRAPH];
    expect(headersOf(rows)).toEqual([
      { title: 'Pope receives cleric', source: 'Time of India', published: '2 hours ago', span: [1, 4] },
    ]);
  });

  it('takes the headline above a meta line that names its outlet ("Headline / NDTV · 1 day ago")', () => {
    const rows = ['', 'Economy in stress and markets on a high', 'NDTV · 1 day ago', PARAGRAPH];
    expect(headersOf(rows)).toEqual([
      {
        title: 'Economy in stress and markets on a high',
        source: 'NDTV',
        published: '1 day ago',
        span: [1, 2],
      },
    ]);
  });

  it('reads labelled fields ("Source: X | Published: Y") and the headline under them', () => {
    const rows = ['', 'Source: Reuters | Published: July 25, 2025', 'Bridge funding agreed', PARAGRAPH];
    expect(headersOf(rows)).toEqual([
      { title: 'Bridge funding agreed', source: 'Reuters', published: 'July 25, 2025', span: [1, 2] },
    ]);
  });

  it('finds each header of a page in order, never overlapping', () => {
    const rows = [
      '',
      'First headline here',
      '2 hours ago',
      PARAGRAPH,
      '',
      'Second headline here',
      '3 hours ago',
      PARAGRAPH,
    ];
    expect(headersOf(rows).map((header) => [header.title, header.span])).toEqual([
      ['First headline here', [1, 2]],
      ['Second headline here', [5, 6]],
    ]);
  });

  it('makes no header of a date quoted inside a paragraph', () => {
    expect(headersOf(['', 'Bridge funding agreed', `On July 25, 2025 ${PARAGRAPH}`])).toEqual([]);
  });

  it('makes no header of a time with no headline-shaped line next to it', () => {
    expect(headersOf(['', PARAGRAPH, '2 hours ago', PARAGRAPH])).toEqual([]);
  });

  it('does not take a short sentence next to the time as its headline', () => {
    expect(headersOf(['', 'He was later fired.', '2 hours ago', PARAGRAPH])).toEqual([]);
  });

  it('takes a longer headline before the meta line over a two-word line after it ("Staff Reports")', () => {
    const rows = [
      '',
      'CPD arrests six in drug investigation',
      'Hindustan Times · 1 day ago',
      'Staff Reports',
      PARAGRAPH,
    ];
    expect(headersOf(rows).map((header) => [header.title, header.source])).toEqual([
      ['CPD arrests six in drug investigation', 'Hindustan Times'],
    ]);
  });

  it('does not reach past the next meta line: that line and the outlet above it head the next article', () => {
    const rows = [
      '',
      '7th Amsterdam Light Festival',
      '29 November 2018 | 20 January 2019',
      '',
      'Hindustan Times',
      '1 hour ago',
      '- Hindustan Times',
      'PolitiFact’s guide to understanding tariffs and trade',
      PARAGRAPH,
    ];
    expect(headersOf(rows).map((header) => [header.title, header.source])).toEqual([
      ['7th Amsterdam Light Festival', null],
      ['PolitiFact’s guide to understanding tariffs and trade', 'Hindustan Times'],
    ]);
  });
});
