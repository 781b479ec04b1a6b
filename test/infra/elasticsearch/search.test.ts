import { describe, expect, it } from 'vitest';
import {
  buildSearchRequest,
  formatSearchResult,
  sinceToDateMath,
  toSearchResult,
} from '../../../infra/elasticsearch/search.ts';

const marks = { pre: '*', post: '*' };

describe('sinceToDateMath', () => {
  it('turns an age into date math and passes ISO dates through', () => {
    expect(sinceToDateMath('2d')).toBe('now-2d');
    expect(sinceToDateMath('90m')).toBe('now-90m');
    expect(sinceToDateMath('2025-07-26')).toBe('2025-07-26');
    expect(sinceToDateMath('2025-07-26T10:00:00Z')).toBe('2025-07-26T10:00:00Z');
  });

  it('refuses anything else', () => {
    for (const bad of ['2 days', 'yesterday', '-2d', '2025-13-45', ''])
      expect(sinceToDateMath(bad)).toBeNull();
  });
});

describe('buildSearchRequest', () => {
  it('matches all words across title, lead and body, with a source and time filter', () => {
    const request = buildSearchRequest(
      'articles',
      { query: '"Kargil Vijay Diwas"', source: 'Time of India', since: '2d' },
      marks,
    );
    expect(request.query?.bool?.must).toEqual([
      {
        simple_query_string: {
          query: '"Kargil Vijay Diwas"',
          fields: ['title^3', 'lead^2', 'body'],
          default_operator: 'and',
        },
      },
    ]);
    expect(request.query?.bool?.filter).toEqual([
      { term: { source: { value: 'Time of India', case_insensitive: true } } },
      { range: { timestamp: { gte: 'now-2d' } } },
    ]);
    expect(request.size).toBe(10);
    expect(request.highlight?.pre_tags).toEqual(['*']);
  });
});

describe('formatSearchResult', () => {
  const response = {
    took: 1,
    timed_out: false,
    _shards: { total: 1, successful: 1, failed: 0 },
    hits: {
      total: { value: 1, relation: 'eq' as const },
      hits: [
        {
          _index: 'articles-v1',
          _id: 'abc',
          _score: 3.2,
          _source: {
            title: 'Kargil Vijay Diwas marked',
            source: 'Time of India',
            timestamp: '2025-07-26T08:00:00.000Z',
          },
          highlight: {
            title: ['*Kargil* *Vijay* *Diwas* marked'],
            body: ['On *Kargil*\nVijay   Diwas the army'],
          },
        },
      ],
    },
  };

  it('prints numbered titles, source, date and the matched passages on one line each', () => {
    expect(formatSearchResult(toSearchResult(response))).toBe(
      [
        '1 article match; showing 1.',
        '',
        '1. *Kargil* *Vijay* *Diwas* marked',
        '   Time of India · 2025-07-26 · id abc',
        '   … On *Kargil* Vijay Diwas the army …',
        '',
        '',
      ].join('\n'),
    );
  });

  it('says so when nothing matches', () => {
    const empty = { ...response, hits: { total: { value: 0, relation: 'eq' as const }, hits: [] } };
    expect(formatSearchResult(toSearchResult(empty))).toBe('No articles match.\n');
  });
});
