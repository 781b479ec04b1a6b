import { describe, expect, it } from 'vitest';
import type { ArticleDocument } from '../../../lib/article-document.ts';
import type { WriteResult } from '../../../workers/index/bulk-batcher.ts';
import { DELETE_DOCUMENT } from '../../../workers/index/bulk-batcher.ts';
import { applyChange, mergeSighting, retractSighting } from '../../../workers/index/merge-sighting.ts';
import { CAPTURED_AT, MERGE_CASES, proposal, sighting, story, teaser } from './merge-policy-cases.ts';

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

/** The document of article `id-1` after sightings `ns` (of `body`), folded with mergeSighting. */
function seen(ns: number[], body = story, overrides: Parameters<typeof proposal>[3] = {}): ArticleDocument {
  let document: ArticleDocument | undefined;
  for (const n of ns) document = mergeSighting(document, proposal('id-1', n, body, overrides)) ?? document;
  return document as ArticleDocument;
}

const retraction = (n: number) => ({ articleId: 'id-1', retractKey: `hash-${n}:${n % 3}` });

describe('retractSighting', () => {
  it('deletes a document whose only sighting it takes back', () => {
    expect(retractSighting(seen([1]), retraction(1))).toBe(DELETE_DOCUMENT);
  });

  it('keeps the other sightings, with counts, sources and first and last seen following them', () => {
    const document = seen([1, 2, 3], story, {});
    const sources = seen([1, 2]);
    sources.sightings[0] = sighting(1, { source: 'Half Page Daily' });
    sources.sources = ['Half Page Daily', 'Express'];
    const after = retractSighting(document, retraction(1)) as ArticleDocument;
    expect(after).toMatchObject({
      sightings: [sighting(2), sighting(3)],
      sightingKeys: ['hash-2:2', 'hash-3:0'],
      sightingCount: 2,
      duplicateCount: 1,
      firstSeen: sighting(2).seenAt,
      lastSeen: sighting(3).seenAt,
      body: story,
    });
    expect(retractSighting(sources, retraction(1))).toMatchObject({ sources: ['Express'] });
    // The last one taken back: first and last seen close in.
    expect(retractSighting(document, retraction(3))).toMatchObject({
      firstSeen: sighting(1).seenAt,
      lastSeen: sighting(2).seenAt,
    });
  });

  it("moves the capture time (and the time field) to the earliest sighting left when it was the retracted one's", () => {
    const document = seen([1, 2], story, { capturedAt: CAPTURED_AT });
    document.capturedAt = document.timestamp = sighting(1).seenAt;
    expect(retractSighting(document, retraction(1))).toMatchObject({
      capturedAt: sighting(2).seenAt,
      timestamp: sighting(2).seenAt,
    });
  });

  it('changes nothing for a sighting it does not hold, or no document (a retried retraction)', () => {
    expect(retractSighting(seen([1, 2]), retraction(5))).toBeNull();
    expect(retractSighting(undefined, retraction(1))).toBeNull();
  });

  it('leaves the document it was given as it was', () => {
    const document = seen([1, 2]);
    const before = structuredClone(document);
    retractSighting(document, retraction(1));
    expect(document).toEqual(before);
  });

  it('is what applyChange does with a retraction, and a sighting is merged as before', () => {
    expect(applyChange(seen([1]), retraction(1))).toBe(DELETE_DOCUMENT);
    expect(applyChange(seen([1]), proposal('id-1', 2, teaser))).toMatchObject({
      sightingCount: 2,
      body: story,
    });
  });
});
