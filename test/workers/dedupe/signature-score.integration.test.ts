/**
 * The TypeScript port of the claim script's score (workers/dedupe/signature.ts), used on the
 * lasting record's candidates (issue 15), judges every pair as the script does: on the labelled
 * article-bench pairs (edits, teasers, same-topic stories, unrelated ones), the script calls the
 * second article a near-duplicate of the first exactly when the two share a band and the port
 * accepts the pair.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildLabelledPairs } from '../../../bench/dedupe-pairs.ts';
import { loadConfig } from '../../../lib/config.ts';
import { createRedis } from '../../../lib/connections.ts';
import { fingerprintArticle } from '../../../workers/dedupe/fingerprint.ts';
import { lastingKeys } from '../../../workers/dedupe/lasting-record.ts';
import { NearDuplicateIndex } from '../../../workers/dedupe/near-duplicate-index.ts';
import { encodeSignature, parseSignature, scoreSignatures } from '../../../workers/dedupe/signature.ts';

const redis = createRedis(loadConfig().redisUrl, { blocking: true });
const runPrefix = `{test-score-${randomUUID()}}`;
const bench: Record<string, { body: string; url: string }> = JSON.parse(
  readFileSync(new URL('../../fixtures/dedupe/article-bench-bodies.json', import.meta.url), 'utf8'),
);

afterAll(async () => {
  for await (const keys of redis.scanStream({ match: `${runPrefix}:*`, count: 1000 }) as AsyncIterable<
    string[]
  >)
    if (keys.length > 0) await redis.unlink(...keys);
  redis.disconnect();
});

describe('scoreSignatures, the port of the claim script score', () => {
  it('accepts exactly the pairs the script merges, on the labelled article-bench pairs', async () => {
    const pairs = buildLabelledPairs(bench, { seed: 2 });
    const disagreements: string[] = [];
    let merged = 0;
    for (const [number, pair] of pairs.entries()) {
      const a = fingerprintArticle({ title: '', body: pair.a });
      const b = fingerprintArticle({ title: '', body: pair.b });
      if (a.exact === b.exact) continue;
      const index = new NearDuplicateIndex(redis, { prefix: `${runPrefix}:${number}` });
      await index.claim(a);
      const [lua] = await index.claimAll([b], { register: false });
      const bandsOfA = new Set(lastingKeys(a).bandKeys);
      const candidate = lastingKeys(b).bandKeys.some((band) => bandsOfA.has(band));
      const score = scoreSignatures(parseSignature(encodeSignature(b)), parseSignature(encodeSignature(a)));
      const port = candidate && score !== null;
      if (port) merged++;
      if (port !== (lua?.match === 'near'))
        disagreements.push(`${pair.kind}: lua ${lua?.match}, port ${score}`);
    }
    expect(disagreements).toEqual([]);
    // The pairs exercise both answers.
    expect(merged).toBeGreaterThan(50);
    expect(pairs.length - merged).toBeGreaterThan(50);
  });
});
