import { describe, expect, it } from 'vitest';
import type { ArticleDocument } from '../../../lib/article-document.ts';
import type { WriteResult } from '../../../workers/index/bulk-batcher.ts';
import { mergeSighting } from '../../../workers/index/merge-sighting.ts';
import { MERGE_CASES, proposal, story, teaser } from './merge-policy-cases.ts';

describe('mergeSighting', () => {
  it.each(MERGE_CASES)('$name', ({ proposals, results, expected }) => {
    let document: ArticleDocument | undefined;
    const did: WriteResult[] = [];
    for (const next of proposals('id-1')) {
      const merged = mergeSighting(document, next);
      did.push(merged === null ? 'noop' : document ? 'updated' : 'created');
      document = merged ?? document;
    }
    expect(did).toEqual(results);
    expect(document).toMatchObject(expected);
  });

  it('returns a new document and leaves the one it was given as it was', () => {
    const first = mergeSighting(undefined, proposal('id-1', 1, teaser)) as ArticleDocument;
    const before = structuredClone(first);
    const second = mergeSighting(first, proposal('id-1', 2, story));
    expect(second).not.toBe(first);
    expect(first).toEqual(before);
  });
});
