import { describe, expect, it } from 'vitest';
import { fingerprintArticle } from '../../../workers/dedupe/fingerprint.ts';
import { toSightingProposal } from '../../../workers/index/article-document.ts';
import { article, CAPTURED_AT, sighting, story } from './merge-policy-cases.ts';

const identity = { articleId: 'abc', exactFingerprint: fingerprintArticle({ title: '', body: story }).exact };

describe('toSightingProposal', () => {
  it('proposes the article as this page shows it, with its fingerprint, under the claimed id', () => {
    const proposed = toSightingProposal(
      identity,
      article(story, { lead: 'A standfirst.' }),
      sighting(1),
      CAPTURED_AT,
    );
    expect(proposed).toEqual({
      articleId: 'abc',
      version: {
        title: 'Bubonic plague: China confirms cases',
        lead: 'A standfirst.',
        body: story,
        source: 'Express',
        published: null,
        publishedAt: null,
        capturedAt: '2025-07-27T12:00:00.000Z',
        timestamp: '2025-07-27T12:00:00.000Z',
        language: 'en',
        wordCount: 428,
        fingerprint: fingerprintArticle({ title: '', body: story }).exact,
      },
      sighting: sighting(1),
      sightingKey: 'hash-1:1',
    });
  });

  it('takes the time field from the publish time when the page gave one', () => {
    const dated = article(story, { published: 'July 25, 2025', publishedAt: '2025-07-25T00:00:00.000Z' });
    expect(toSightingProposal(identity, dated, sighting(1), CAPTURED_AT).version.timestamp).toBe(
      '2025-07-25T00:00:00.000Z',
    );
  });

  it("names the sighting's outlet when the article names none", () => {
    const anonymous = article(story, { source: null });
    const proposed = toSightingProposal(
      identity,
      anonymous,
      sighting(1, { source: 'Time of India' }),
      CAPTURED_AT,
    );
    expect(proposed.version.source).toBe('Time of India');
  });

  it('writes the sighting time in UTC, so times compare as strings', () => {
    const local = sighting(1, { seenAt: '2025-07-27T14:30:00+02:00' });
    expect(toSightingProposal(identity, article(story), local, CAPTURED_AT).sighting.seenAt).toBe(
      '2025-07-27T12:30:00.000Z',
    );
  });
});
