/**
 * The merge policy of deduplication as a table: sightings of one article in arrival order, what
 * each one did and the document they end in. merge-sighting.test.ts folds them with
 * mergeSighting; index-worker.integration.test.ts sends them through the bulk batcher to Elasticsearch.
 */
import { readFileSync } from 'node:fs';
import type { Article } from '../../../lib/article.ts';
import type { ArticleDocument, Sighting } from '../../../lib/article-document.ts';
import { fingerprintArticle } from '../../../workers/dedupe/fingerprint.ts';
import { type SightingProposal, toSightingProposal } from '../../../workers/index/article-document.ts';
import type { WriteResult } from '../../../workers/index/bulk-batcher.ts';

const bench: Record<string, { body: string }> = JSON.parse(
  readFileSync(new URL('../../fixtures/dedupe/article-bench-bodies.json', import.meta.url), 'utf8'),
);
/** A real 428-word news body. */
export const story = (bench.ba4dfe2d3e817ff7 as { body: string }).body;
/** Its first 80 words, as an aggregator's teaser shows it. */
export const teaser = story.split(' ').slice(0, 80).join(' ');
export const TITLE = 'Bubonic plague: China confirms cases';
export const CAPTURED_AT = new Date('2025-07-27T12:00:00.000Z');

export function article(body: string, overrides: Partial<Article> = {}): Article {
  return {
    title: TITLE,
    lead: null,
    body,
    source: 'Express',
    published: null,
    publishedAt: null,
    primary: false,
    language: 'en',
    wordCount: body.split(/\s+/).filter(Boolean).length,
    ...overrides,
  };
}

/** Sighting `n`: file `hash-n`, seen n minutes after CAPTURED_AT. */
export function sighting(n: number, overrides: Partial<Sighting> = {}): Sighting {
  return {
    file: `inbox/page-${n}.txt`,
    fileHash: `hash-${n}`,
    articleIndex: n % 3,
    source: 'Express',
    seenAt: new Date(CAPTURED_AT.getTime() + n * 60_000).toISOString(),
    ...overrides,
  };
}

export function proposal(
  articleId: string,
  n: number,
  body: string,
  overrides: { article?: Partial<Article>; sighting?: Partial<Sighting>; capturedAt?: Date } = {},
): SightingProposal {
  return toSightingProposal(
    { articleId, exactFingerprint: fingerprintArticle({ title: '', body }).exact },
    article(body, overrides.article),
    sighting(n, overrides.sighting),
    overrides.capturedAt ?? CAPTURED_AT,
  );
}

/** The proposal with band keys and a signature, as the dedupe stage gives them. */
function withLastingRecord(
  sightingProposal: SightingProposal,
  bandKeys = ['b1', 'b2'],
  signature = 'AAAA',
): SightingProposal {
  return { ...sightingProposal, version: { ...sightingProposal.version, bandKeys, signature } };
}

export interface MergeCase {
  /** A sentence: what the policy does. */
  name: string;
  /** The sightings of article `id`, in arrival order. */
  proposals(id: string): SightingProposal[];
  /** What each sighting did to the document. */
  results: WriteResult[];
  /** Fields of the final document. */
  expected: Partial<ArticleDocument>;
}

const hourEarlier = new Date(CAPTURED_AT.getTime() - 3_600_000);

export const MERGE_CASES: MergeCase[] = [
  {
    // Issue 15: documents indexed before the lasting record existed have no band keys.
    name: 'a document without the lasting record takes it from a later sighting, even a shorter one',
    proposals: (id) => [proposal(id, 1, story), withLastingRecord(proposal(id, 2, teaser))],
    results: ['created', 'updated'],
    expected: { body: story, bandKeys: ['b1', 'b2'], signature: 'AAAA', sightingCount: 2 },
  },
  {
    name: "a shorter sighting leaves the fuller version's lasting record as it is",
    proposals: (id) => [
      withLastingRecord(proposal(id, 1, story)),
      withLastingRecord(proposal(id, 2, teaser), ['t1'], 'BBBB'),
    ],
    results: ['created', 'updated'],
    expected: { body: story, bandKeys: ['b1', 'b2'], signature: 'AAAA' },
  },
  {
    name: 'the first sighting builds the whole document',
    proposals: (id) => [proposal(id, 1, story)],
    results: ['created'],
    expected: {
      title: TITLE,
      lead: null,
      body: story,
      source: 'Express',
      published: null,
      publishedAt: null,
      capturedAt: CAPTURED_AT.toISOString(),
      timestamp: CAPTURED_AT.toISOString(),
      language: 'en',
      wordCount: 428,
      fingerprint: fingerprintArticle({ title: '', body: story }).exact,
      sightings: [sighting(1)],
      sightingKeys: ['hash-1:1'],
      sightingCount: 1,
      duplicateCount: 0,
      sources: ['Express'],
      firstSeen: sighting(1).seenAt,
      lastSeen: sighting(1).seenAt,
    },
  },
  {
    name: 'a teaser seen first gives way to the full article: its body, title, word count and fingerprint',
    proposals: (id) => [
      proposal(id, 1, teaser, { article: { title: 'Plague teaser', language: null } }),
      proposal(id, 2, story),
    ],
    results: ['created', 'updated'],
    expected: {
      body: story,
      title: TITLE,
      language: 'en',
      wordCount: 428,
      fingerprint: fingerprintArticle({ title: '', body: story }).exact,
      sightingCount: 2,
      duplicateCount: 1,
    },
  },
  {
    name: 'a teaser after the full article only adds its sighting',
    proposals: (id) => [
      proposal(id, 1, story),
      proposal(id, 2, teaser, { article: { title: 'Plague teaser', source: 'Daily Star' } }),
    ],
    results: ['created', 'updated'],
    expected: { body: story, title: TITLE, source: 'Express', wordCount: 428, sightingCount: 2 },
  },
  {
    name: 'a version as long as the stored one leaves the stored one in place',
    proposals: (id) => [
      proposal(id, 1, story),
      proposal(id, 2, story.toUpperCase(), { article: { title: 'Tie' } }),
    ],
    results: ['created', 'updated'],
    expected: { body: story, title: TITLE, sightingCount: 2 },
  },
  {
    name: 'a fuller version without a lead keeps the stored lead',
    proposals: (id) => [
      proposal(id, 1, teaser, { article: { lead: 'Authorities confirm a third case.' } }),
      proposal(id, 2, story),
    ],
    results: ['created', 'updated'],
    expected: { body: story, lead: 'Authorities confirm a third case.' },
  },
  {
    name: 'a retried sighting is recorded once and changes nothing, whatever version it carries',
    proposals: (id) => [
      proposal(id, 1, teaser),
      proposal(id, 2, teaser),
      proposal(id, 1, story),
      proposal(id, 2, teaser),
    ],
    results: ['created', 'updated', 'noop', 'noop'],
    expected: { body: teaser, sightingKeys: ['hash-1:1', 'hash-2:2'], sightingCount: 2, duplicateCount: 1 },
  },
  {
    name: 'the capture time is the earliest of all sightings, and the time field follows it',
    proposals: (id) => [proposal(id, 1, story), proposal(id, 2, teaser, { capturedAt: hourEarlier })],
    results: ['created', 'updated'],
    expected: { capturedAt: hourEarlier.toISOString(), timestamp: hourEarlier.toISOString() },
  },
  {
    name: 'a publish time missing from the document is taken from a later sighting, and kept after that',
    proposals: (id) => [
      proposal(id, 1, story),
      proposal(id, 2, teaser, {
        article: { published: 'July 25, 2025', publishedAt: '2025-07-25T00:00:00.000Z' },
      }),
      proposal(id, 3, story, {
        article: { published: 'yesterday', publishedAt: '2025-07-26T00:00:00.000Z' },
      }),
    ],
    results: ['created', 'updated', 'updated'],
    expected: {
      published: 'July 25, 2025',
      publishedAt: '2025-07-25T00:00:00.000Z',
      timestamp: '2025-07-25T00:00:00.000Z',
    },
  },
  {
    name: 'sightings keep arrival order, sources are listed once each, first and last seen span them',
    proposals: (id) => [
      proposal(id, 10, story),
      proposal(id, 5, teaser, { sighting: { source: 'Time of India' } }),
      proposal(id, 20, teaser, { sighting: { source: null } }),
      proposal(id, 15, teaser),
    ],
    results: ['created', 'updated', 'updated', 'updated'],
    expected: {
      sightingKeys: ['hash-10:1', 'hash-5:2', 'hash-20:2', 'hash-15:0'],
      sources: ['Express', 'Time of India'],
      firstSeen: sighting(5).seenAt,
      lastSeen: sighting(20).seenAt,
      sightingCount: 4,
      duplicateCount: 3,
    },
  },
];
