/**
 * A labelled pair set for deduplication, built from the human-marked article-bench bodies, and
 * its evaluation through the real Redis index.
 * Positives: one article against a variant of itself as aggregators and republishers make them
 * (case, whitespace, inserted ad lines, one-line flattening, a 40-70 % teaser, ~5 % word edits,
 * and combinations). Negatives: different articles, chosen to be hard: the most word-overlapping
 * pairs (same-topic stories: the plague, the moon landers, Stadia...), pairs from the same site,
 * random pairs, and variants (teasers, edits) of one article against a same-topic other.
 * Deterministic: a seeded generator, so every run scores the same pairs.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { siteOf } from '../lib/net.ts';
import { fingerprintArticle, normalisedWords } from '../workers/dedupe/fingerprint.ts';
import { NearDuplicateIndex } from '../workers/dedupe/near-duplicate-index.ts';

export interface LabelledPair {
  a: string;
  b: string;
  /** True when a and b are the same article. */
  same: boolean;
  /** How b was made from a (positives) or how the pair was chosen (negatives). */
  kind: string;
}

export interface PairSetOptions {
  /** Seed of the generator; default 1. */
  seed?: number;
  /** Same-topic negatives per article (its most word-overlapping others); default 3. */
  nearestNegatives?: number;
  /** Random negatives in all; default 200. */
  randomNegatives?: number;
}

export interface PairScore {
  pairs: number;
  precision: number;
  recall: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** Pairs judged wrongly, by kind. */
  errorsByKind: Record<string, number>;
}

/** Promo text as aggregators paste it between paragraphs. */
const AD_LINES = [
  'Sponsored Links',
  'Advertisement',
  'Tired of too many ads? go ad free now',
  'You May Like Undo',
  'Read more: The best deals of the week, handpicked by our editors',
  'Subscribe to our newsletter for the latest news delivered to your inbox',
  'Click here to download our app',
  'Continue reading below',
  'Promoted Content by Taboola',
  'Share this article on Facebook Twitter WhatsApp Email',
];

type Random = () => number;
type Variant = (body: string, random: Random) => string;

const VARIANTS: Record<string, Variant> = {
  case: (body, random) =>
    body.replace(/\S+/g, (word) =>
      random() < 0.3 ? word.toUpperCase() : random() < 0.3 ? word.toLowerCase() : word,
    ),
  whitespace: (body, random) =>
    body.replace(/\s+/g, (space) =>
      random() < 0.2 ? pick(['  ', '\t', '\r\n', ' \n ', '\n\n\n'], random) : space,
    ),
  ads: (body, random) => insertAdLines(body, random),
  flatten: (body) => flatten(body),
  truncate: (body, random) => truncate(body, 0.4 + 0.3 * random()),
  edits: (body, random) => editWords(body, 0.05, random),
  'truncate+ads+flatten': (body, random) =>
    flatten(insertAdLines(truncate(body, 0.4 + 0.3 * random()), random)),
  'edits+ads': (body, random) => insertAdLines(editWords(body, 0.05, random), random),
  'edits+truncate': (body, random) => truncate(editWords(body, 0.05, random), 0.4 + 0.3 * random()),
};

export interface SourceArticle {
  body: string;
  /** Where it was published; articles from the same host make hard negatives. */
  url?: string;
}

export function buildLabelledPairs(
  articles: Record<string, SourceArticle>,
  options: PairSetOptions = {},
): LabelledPair[] {
  const random = mulberry32(options.seed ?? 1);
  const ids = Object.keys(articles).sort();
  const body = (id: string) => (articles[id] as SourceArticle).body;
  const pairs: LabelledPair[] = [];
  for (const id of ids) {
    for (const [kind, variant] of Object.entries(VARIANTS)) {
      pairs.push({ a: body(id), b: variant(body(id), random), same: true, kind });
    }
  }

  const chosen = new Set<string>();
  const addNegative = (x: string, y: string, kind: string, variantOfX?: Variant) => {
    const key = `${kind} ${[x, y].sort().join(' ')}`;
    if (x === y || chosen.has(key)) return;
    chosen.add(key);
    pairs.push({ a: variantOfX ? variantOfX(body(x), random) : body(x), b: body(y), same: false, kind });
  };
  const wordSets = ids.map((id) => new Set(normalisedWords(body(id))));
  for (const [position, id] of ids.entries()) {
    const words = wordSets[position] as Set<string>;
    const nearest = ids
      .map((other, otherPosition) => ({
        other,
        overlap: jaccard(words, wordSets[otherPosition] as Set<string>),
      }))
      .filter(({ other }) => other !== id)
      .sort((x, y) => y.overlap - x.overlap)
      .slice(0, options.nearestNegatives ?? 3);
    for (const { other } of nearest) {
      addNegative(id, other, 'same-topic');
      addNegative(id, other, 'same-topic teaser', VARIANTS.truncate);
      addNegative(id, other, 'same-topic edits', VARIANTS.edits);
    }
    for (const other of ids) {
      if (
        other > id &&
        siteOf(articles[id]?.url) !== null &&
        siteOf(articles[id]?.url) === siteOf(articles[other]?.url)
      ) {
        addNegative(id, other, 'same-site');
      }
    }
  }
  for (let i = 0; i < (options.randomNegatives ?? 200); i++)
    addNegative(pick(ids, random), pick(ids, random), 'random');
  return pairs;
}

/** Scores a pair set through a real index: each pair gets its own fresh index (prefix), deleted after. */
export async function scorePairs(redis: Redis, pairs: readonly LabelledPair[]): Promise<PairScore> {
  const runPrefix = `{dedupe-pairs-${randomUUID()}}`;
  const score: PairScore = {
    pairs: pairs.length,
    precision: 0,
    recall: 0,
    truePositives: 0,
    falsePositives: 0,
    falseNegatives: 0,
    errorsByKind: {},
  };
  try {
    for (const [number, pair] of pairs.entries()) {
      const index = new NearDuplicateIndex(redis, { prefix: `${runPrefix}:${number}` });
      const first = await index.claim(fingerprintArticle({ title: '', body: pair.a }));
      const second = await index.claim(fingerprintArticle({ title: '', body: pair.b }));
      const judgedSame = first.articleId === second.articleId;
      if (judgedSame && pair.same) score.truePositives++;
      if (judgedSame && !pair.same) score.falsePositives++;
      if (!judgedSame && pair.same) score.falseNegatives++;
      if (judgedSame !== pair.same) score.errorsByKind[pair.kind] = (score.errorsByKind[pair.kind] ?? 0) + 1;
    }
  } finally {
    // Every pair's index lives under `${runPrefix}:<n>`; one scan removes them all.
    for await (const keys of redis.scanStream({ match: `${runPrefix}:*`, count: 1000 }) as AsyncIterable<
      string[]
    >) {
      if (keys.length > 0) await redis.unlink(...keys);
    }
  }
  score.precision = score.truePositives / Math.max(1, score.truePositives + score.falsePositives);
  score.recall = score.truePositives / Math.max(1, score.truePositives + score.falseNegatives);
  return score;
}

function flatten(body: string): string {
  return body.replace(/\s*\n\s*/g, ' ');
}

function insertAdLines(body: string, random: Random): string {
  const paragraphs = body.split(/\n\s*\n/);
  const count = 1 + Math.floor(random() * 3);
  for (let i = 0; i < count; i++) {
    const at = 1 + Math.floor(random() * Math.max(1, paragraphs.length - 1));
    paragraphs.splice(at, 0, pick(AD_LINES, random));
  }
  return paragraphs.join('\n\n');
}

/** The first `fraction` of the words, cut at a word boundary as teasers are. */
function truncate(body: string, fraction: number): string {
  const words = [...body.matchAll(/\S+/g)];
  const last = words[Math.max(0, Math.round(words.length * fraction) - 1)];
  return last ? body.slice(0, (last.index ?? 0) + last[0].length) : body;
}

/** Replaces, deletes or inserts a word at about `rate` of the positions, as copy editors do. */
function editWords(body: string, rate: number, random: Random): string {
  const words = body.split(/(\s+)/);
  const vocabulary = words.filter((word) => /\w/.test(word));
  return words
    .map((word) => {
      if (!/\w/.test(word) || random() >= rate) return word;
      const action = random();
      if (action < 0.5) return pick(vocabulary, random);
      if (action < 0.75) return '';
      return `${word} ${pick(vocabulary, random)}`;
    })
    .join('');
}

function jaccard(x: ReadonlySet<string>, y: ReadonlySet<string>): number {
  let shared = 0;
  for (const word of x) if (y.has(word)) shared++;
  return shared / (x.size + y.size - shared);
}

function pick<T>(items: readonly T[], random: Random): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** mulberry32: a small seeded generator, good enough for test data. */
function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
