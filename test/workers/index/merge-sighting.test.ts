import { describe, expect, it } from 'vitest';
import type { Article } from '../../../lib/article.ts';
import { type ArticleDocument, toBulkUpsert } from '../../../workers/index/article-document.ts';
import { mergeUpsert } from '../../../workers/index/merge-sighting.ts';

const story =
  'The council approved the budget after a long debate about roads schools and parks in the city. '.repeat(6);

function article(body: string, overrides: Partial<Article> = {}): Article {
  return {
    title: 'Council approves budget',
    lead: null,
    body,
    source: 'Daily Post',
    published: null,
    publishedAt: null,
    primary: true,
    language: 'en',
    wordCount: body.split(/\s+/).filter(Boolean).length,
    ...overrides,
  };
}

function sightingOf(
  fileHash: string,
  articleIndex: number,
  seenAt: string,
  source: string | null = 'Daily Post',
) {
  return { file: `${fileHash}.txt`, fileHash, articleIndex, source, seenAt };
}

/** Applies toBulkUpsert operations in order, as the read-merge-write path does. */
function apply(document: ArticleDocument | undefined, ...operations: ReturnType<typeof toBulkUpsert>[]) {
  let current = document;
  for (const [, body] of operations)
    current = mergeUpsert(current as Record<string, unknown> | undefined, body) ?? current;
  return current as ArticleDocument;
}

describe('mergeUpsert (the merge policy without painless)', () => {
  const captured = new Date('2025-07-26T08:00:00.000Z');

  it('builds the whole document from the first sighting', () => {
    const document = apply(
      undefined,
      toBulkUpsert('id1', article(story), sightingOf('f1', 0, '2025-07-26T08:00:00.000Z'), captured),
    );
    expect(document).toMatchObject({
      title: 'Council approves budget',
      timestamp: '2025-07-26T08:00:00.000Z',
      sightingCount: 1,
      duplicateCount: 0,
      sightingKeys: ['f1:0'],
      sources: ['Daily Post'],
      firstSeen: '2025-07-26T08:00:00.000Z',
      lastSeen: '2025-07-26T08:00:00.000Z',
    });
  });

  it('keeps the fullest body, records each sighting once, and changes nothing on a repeat', () => {
    const teaser = story.split(' ').slice(0, 20).join(' ');
    const first = toBulkUpsert(
      'id1',
      article(teaser, { title: 'Teaser' }),
      sightingOf('f1', 2, '2025-07-26T09:00:00.000Z'),
      captured,
    );
    const full = toBulkUpsert(
      'id1',
      article(story),
      sightingOf('f2', 0, '2025-07-26T07:00:00.000Z', 'Other Paper'),
      captured,
    );
    const document = apply(undefined, first, full);
    expect(document.body).toBe(story);
    expect(document.title).toBe('Council approves budget');
    expect(document).toMatchObject({
      sightingCount: 2,
      duplicateCount: 1,
      sources: ['Daily Post', 'Other Paper'],
      firstSeen: '2025-07-26T07:00:00.000Z',
      lastSeen: '2025-07-26T09:00:00.000Z',
    });
    expect(mergeUpsert(document as unknown as Record<string, unknown>, full[1])).toBeNull();
  });

  it('takes a publish time from a later sighting when the first had none', () => {
    const undated = toBulkUpsert(
      'id1',
      article(story),
      sightingOf('f1', 0, '2025-07-26T08:00:00.000Z'),
      captured,
    );
    const dated = toBulkUpsert(
      'id1',
      article(story, { published: 'July 25, 2025', publishedAt: '2025-07-25T00:00:00.000Z' }),
      sightingOf('f2', 1, '2025-07-26T08:00:00.000Z'),
      captured,
    );
    expect(apply(undefined, undated, dated)).toMatchObject({
      published: 'July 25, 2025',
      timestamp: '2025-07-25T00:00:00.000Z',
    });
  });
});
