import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildLabelledPairs, scorePairs } from '../../../bench/dedupe-pairs.ts';
import { loadConfig } from '../../../lib/config.ts';
import { keysMatching, nearDuplicateKeyPrefix } from '../../../lib/keys.ts';
import { type ArticleFingerprint, fingerprintArticle } from '../../../workers/dedupe/fingerprint.ts';
import { NearDuplicateIndex } from '../../../workers/dedupe/near-duplicate-index.ts';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/dedupe/${name}`, import.meta.url), 'utf8'));
const aggregator: {
  _unique_articles: number;
  _appearances: number;
  pages: Record<string, Array<{ key: string; title: string; body: string }>>;
} = fixture('aggregator-articles.json');
const bench: Record<string, { body: string; url: string }> = fixture('article-bench-bodies.json');
const story = (bench.c50845a7158af12e as { body: string }).body;
const fingerprint = (body: string) => fingerprintArticle({ title: '', body });
const { redisUrl } = loadConfig();

let redis: Redis;
let index: NearDuplicateIndex;
beforeAll(() => {
  redis = new Redis(redisUrl);
});
afterAll(() => redis.disconnect());
const newIndex = () => {
  index = new NearDuplicateIndex(redis, { prefix: `{test-${randomUUID()}}` });
  return index;
};
afterEach(() => index?.clear());

describe('NearDuplicateIndex', () => {
  it('finds the 70 articles of the 178 appearances on the aggregator pages, merging no two', async () => {
    const index = newIndex();
    const keysById = new Map<string, Set<string>>();
    let appearances = 0;
    for (const articles of Object.values(aggregator.pages)) {
      for (const article of articles) {
        const { articleId } = await index.claim(fingerprintArticle(article));
        keysById.set(articleId, (keysById.get(articleId) ?? new Set()).add(article.key));
        appearances++;
      }
    }
    expect(appearances).toBe(aggregator._appearances);
    expect([...keysById.values()].filter((keys) => keys.size > 1)).toEqual([]);
    expect(keysById.size).toBe(aggregator._unique_articles);
  });

  it('separates the labelled article-bench pairs with precision >= 0.99 and recall >= 0.98', async () => {
    const score = await scorePairs(redis, buildLabelledPairs(bench, { seed: 2 }));
    expect(score.precision).toBeGreaterThanOrEqual(0.99);
    expect(score.recall).toBeGreaterThanOrEqual(0.98);
  });

  it('answers a retried claim as the first time, including that the article is new', async () => {
    const index = newIndex();
    const first = await index.claim(fingerprint(story));
    expect(first).toEqual({ articleId: fingerprint(story).exact, isNew: true, match: 'new' });
    expect(await index.claim(fingerprint(story))).toEqual({ ...first, match: 'exact' });
  });

  it('keeps one article when its teaser arrives first and the full and edited versions follow', async () => {
    const index = newIndex();
    const words = story.split(' ');
    const teaser = await index.claim(fingerprint(words.slice(0, 30).join(' ')));
    const full = await index.claim(fingerprint(story));
    const edited = await index.claim(
      fingerprint(words.map((w, i) => (i % 20 === 7 ? 'changed' : w)).join(' ')),
    );
    expect(teaser.isNew).toBe(true);
    expect([full, edited].map((claim) => [claim.articleId, claim.isNew])).toEqual([
      [teaser.articleId, false],
      [teaser.articleId, false],
    ]);
  });

  it('registers a changed article under the old id asked for while it is free, never one another article holds', async () => {
    const index = newIndex();
    const [a, b, c] = ['c50845a7158af12e', '42aad16bde928862', 'd1c57d7821e5a5b2'].map((id) =>
      fingerprint((bench[id] as { body: string }).body),
    ) as [ArticleFingerprint, ArticleFingerprint, ArticleFingerprint];
    const old = 'aaaaaaaaaaaaaaaaaaaaaaaa';
    const near = (articleId: string) => ({ articleId, sameVersion: false });
    // Free: taken, also on a retry; a near-duplicate of it joins it whatever it asks for.
    expect(await index.claimAll([a], { ids: [near(old)] })).toEqual([
      { articleId: old, isNew: true, match: 'new' },
    ]);
    expect(await index.claimAll([a], { ids: [near(old)] })).toEqual([
      { articleId: old, isNew: true, match: 'exact' },
    ]);
    const words = story.split(' ');
    const teaser = fingerprint(words.slice(0, 30).join(' '));
    expect((await index.claimAll([teaser], { ids: [near(b.exact)] }))[0]?.articleId).toBe(old);
    // Held by another article: its own id.
    expect(await index.claimAll([b], { ids: [near(old)] })).toEqual([
      { articleId: b.exact, isNew: true, match: 'new' },
    ]);
    // Its own id held too (another article asked for it): the first free sha1 of it.
    const d = fingerprint(story.split(' ').reverse().join(' '));
    expect((await index.claimAll([c], { ids: [near(d.exact)] }))[0]?.articleId).toBe(d.exact);
    const sha1 = (id: string) => createHash('sha1').update(id).digest('hex').slice(0, 24);
    expect(await index.claimAll([d], { ids: [near(old)] })).toEqual([
      { articleId: sha1(d.exact), isNew: true, match: 'new' },
    ]);
    expect((await index.claimAll([d]))[0]?.articleId).toBe(sha1(d.exact));
  });

  it('gives a version the old index had its old document, whatever order the group comes in (a reindex)', async () => {
    // A teaser T, the full story F, and G: another story under T's words. In the order T, F, G,
    // F joins T and G stays apart; in the reverse order T would join G and F stand alone.
    const other = (bench['42aad16bde928862'] as { body: string }).body;
    const head = story.split(' ').slice(0, 40).join(' ');
    const [t, f, g] = [head, story, `${head} ${other}`].map(fingerprint) as [
      ArticleFingerprint,
      ArticleFingerprint,
      ArticleFingerprint,
    ];
    const first = newIndex();
    const before = [await first.claim(t), await first.claim(f), await first.claim(g)];
    expect(before.map((claim) => claim.articleId)).toEqual([t.exact, t.exact, g.exact]);
    await first.clear();
    const plain = newIndex();
    expect((await plain.claimAll([g, f, t])).map((claim) => claim.articleId)).toEqual([
      g.exact,
      f.exact,
      g.exact,
    ]);
    await plain.clear();
    const rebuilt = newIndex();
    const same = (articleId: string) => ({ articleId, sameVersion: true });
    const after = await rebuilt.claimAll([g, f, t], { ids: [same(g.exact), same(t.exact), same(t.exact)] });
    expect(after).toEqual([
      { articleId: g.exact, isNew: true, match: 'new' },
      { articleId: t.exact, isNew: true, match: 'new' },
      { articleId: t.exact, isNew: false, match: 'near' },
    ]);
    // A retry answers the same; a version it had not seen (an edit) joins by the verdict alone.
    expect((await rebuilt.claimAll([f], { ids: [same(t.exact)] }))[0]).toEqual({
      articleId: t.exact,
      isNew: true,
      match: 'exact',
    });
  });

  it('keeps two reports of the same event by different outlets apart', async () => {
    const index = newIndex();
    // Space.com, Al Jazeera and SpaceNews on NASA's commercial moon landers, the same day.
    const ids = new Set<string>();
    for (const id of ['c50845a7158af12e', '42aad16bde928862', 'd1c57d7821e5a5b2']) {
      ids.add((await index.claim(fingerprint((bench[id] as { body: string }).body))).articleId);
    }
    expect(ids.size).toBe(3);
  });

  it('never near-matches very short bodies, only exact ones', async () => {
    const index = newIndex();
    const a = await index.claim(fingerprint('Read the full story on our website today.'));
    const b = await index.claim(fingerprint('Read the full story on our website tomorrow.'));
    expect(a.articleId).not.toBe(b.articleId);
  });

  it('gives one id to the same article claimed at once by many workers on their own connections', async () => {
    const prefix = `{test-${randomUUID()}}`;
    const connections = Array.from({ length: 8 }, () => new Redis(redisUrl));
    try {
      const indexes = connections.map((connection) => new NearDuplicateIndex(connection, { prefix }));
      const words = story.split(' ');
      // 50 distinct versions (teasers of different lengths, the full text with different ads),
      // each claimed twice at once as a retried job would be.
      const variants = Array.from({ length: 50 }, (_, i) =>
        i % 2
          ? words.slice(0, Math.round(words.length * (0.4 + i / 100))).join(' ')
          : `${story}\n\nAd number ${i}`,
      );
      const claims = await Promise.all(
        [...variants, ...variants].map((body, i) =>
          (indexes[i % indexes.length] as NearDuplicateIndex).claim(fingerprint(body)),
        ),
      );
      const articleIds = new Set(claims.map((claim) => claim.articleId));
      expect(articleIds.size).toBe(1);
      // The founding version and its retry say "new", no other.
      const founders = claims.filter((claim) => claim.isNew);
      expect(founders).toHaveLength(2);
      expect(variants.filter((body) => articleIds.has(fingerprint(body).exact))).toHaveLength(1);
    } finally {
      await new NearDuplicateIndex(redis, { prefix }).clear();
      for (const connection of connections) connection.disconnect();
    }
  });

  it('stores a fixed number of bytes per article whatever its length, and clear() removes them all', async () => {
    const index = newIndex();
    await index.claim(fingerprint('A short story of a few words that still makes an article.'));
    const short = await index.memoryUsage();
    await index.claim(fingerprint(story.repeat(10)));
    const both = await index.memoryUsage();
    expect(short.articles).toBe(1);
    expect(both.articles).toBe(2);
    // Each article adds one signature key and 48 band entries; at this size most land in new keys.
    expect(both.bytes - short.bytes).toBeLessThan(1.3 * short.bytes);
    await index.clear();
    expect(await index.memoryUsage()).toEqual({ keys: 0, bytes: 0, articles: 0 });
  });

  it('releases a half-written article: its full version is then new, under its own id, and nothing of it is left', async () => {
    const index = newIndex();
    const half = fingerprint(story.split(' ').slice(0, 200).join(' '));
    const other = fingerprint((bench.ba4dfe2d3e817ff7 as { body: string }).body);
    const [halfClaim] = await index.claimAll([half, other]);
    expect(await index.claim(fingerprint(story))).toMatchObject({ articleId: half.exact, match: 'near' });
    await index.release([{ articleId: half.exact, fingerprint: half }]);
    // The claim of the full version above filed it under the half's id too: released with it.
    await index.release([
      { articleId: (halfClaim as { articleId: string }).articleId, fingerprint: fingerprint(story) },
    ]);
    expect(await index.claim(fingerprint(story))).toEqual({
      articleId: fingerprint(story).exact,
      isNew: true,
      match: 'new',
    });
    // The other article is untouched; the index holds what claiming the two alone would.
    expect(await index.claim(other)).toMatchObject({ articleId: other.exact, match: 'exact' });
    const alone = new NearDuplicateIndex(redis, { prefix: `{test-${randomUUID()}}` });
    await alone.claimAll([other, fingerprint(story)]);
    const [left, expected] = await Promise.all([index.memoryUsage(), alone.memoryUsage()]);
    expect({ keys: left.keys, articles: left.articles }).toEqual({
      keys: expected.keys,
      articles: expected.articles,
    });
    await alone.clear();
  });

  it('refuses options outside their range', () => {
    expect(() => new NearDuplicateIndex(redis, { prefix: '{x}', bucketBits: 30 })).toThrow(/bucketBits/);
    expect(() => new NearDuplicateIndex(redis, { prefix: '{x}', maxIdsPerBand: 9 })).toThrow(/maxIdsPerBand/);
  });
});

describe('NearDuplicateIndex over a window (issue 15)', () => {
  const windowMs = 10_000;
  let offset = 0;
  let prefix = '';
  const windowed = () => {
    offset = 0;
    prefix = `{test-${randomUUID()}}`;
    index = new NearDuplicateIndex(redis, {
      prefix,
      windowMs,
      now: () => Date.now() + offset,
    });
    return index;
  };
  const teaser = story.split(/\s+/).slice(0, 40).join(' ');

  it('remembers an article through the next period and forgets it after two periods unseen', async () => {
    const index = windowed();
    const { articleId } = await index.claim(fingerprint(story));
    offset = windowMs;
    expect(await index.claimAll([fingerprint(story)], { register: false })).toEqual([
      { articleId, isNew: true, match: 'exact' },
    ]);
    offset = 3 * windowMs;
    expect(await index.claimAll([fingerprint(story)], { register: false })).toEqual([
      { articleId: '', isNew: false, match: 'miss' },
    ]);
  });

  it('finds a near-duplicate registered last period, and carries it over so it stays while it is seen', async () => {
    const index = windowed();
    const { articleId } = await index.claim(fingerprint(story));
    offset = windowMs;
    expect(await index.claim(fingerprint(teaser))).toEqual({ articleId, isNew: false, match: 'near' });
    offset = 2 * windowMs;
    expect(await index.claimAll([fingerprint(story)], { register: false })).toEqual([
      { articleId, isNew: false, match: 'near' },
    ]);
  });

  it('releases an article claimed last period too, so that nothing finds it any more', async () => {
    const index = windowed();
    const { articleId } = await index.claim(fingerprint(teaser));
    offset = windowMs;
    await index.release([{ articleId, fingerprint: fingerprint(teaser) }]);
    expect(await index.claimAll([fingerprint(teaser), fingerprint(story)], { register: false })).toEqual([
      { articleId: '', isNew: false, match: 'miss' },
      { articleId: '', isNew: false, match: 'miss' },
    ]);
  });

  it('gives every key it writes an expiry of at most two windows', async () => {
    const index = windowed();
    await index.claim(fingerprint(story));
    offset = windowMs;
    await index.claim(fingerprint(teaser));
    const ttls: number[] = [];
    const stream = redis.scanStream({ match: keysMatching(nearDuplicateKeyPrefix(prefix)), count: 1000 });
    for await (const batch of stream as AsyncIterable<string[]>) {
      for (const key of batch) ttls.push(await redis.pttl(key));
    }
    expect(ttls.length).toBeGreaterThan(40);
    expect(Math.min(...ttls)).toBeGreaterThan(0);
    // Written one window ahead (offset), so the latest expire within three windows of real time.
    expect(Math.max(...ttls)).toBeLessThanOrEqual(3 * windowMs);
  });

  it('writes nothing for a miss when asked not to register', async () => {
    const index = windowed();
    expect(await index.claimAll([fingerprint(story)], { register: false })).toEqual([
      { articleId: '', isNew: false, match: 'miss' },
    ]);
    expect((await index.memoryUsage()).keys).toBe(0);
  });
});
