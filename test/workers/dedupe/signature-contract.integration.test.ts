/**
 * The contract between the TypeScript encoder and the claim script: the script reads the head
 * shingle hashes as 16-bit values (issue 14: they were written as 32-bit, so every head hash
 * became two "shingles" in Lua and the stored signature was 388 bytes instead of 324).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lib/config.ts';
import { createRedis } from '../../../lib/connections.ts';
import { nearDuplicateKeyPrefix } from '../../../lib/keys.ts';
import { fingerprintArticle, HEAD_SHINGLES, MINHASH_SIZE } from '../../../workers/dedupe/fingerprint.ts';
import { NearDuplicateIndex } from '../../../workers/dedupe/near-duplicate-index.ts';
import { encodeSignature } from '../../../workers/dedupe/signature.ts';

const redis = createRedis(loadConfig().redisUrl, { blocking: true });
const prefix = `{test-${randomUUID()}}`;
const story = readFileSync(
  new URL('../../fixtures/pages/single-article-with-chrome.txt', import.meta.url),
  'utf8',
);

// The claim script's `parse`, reduced to what it decodes: the count, the slots and the head.
const DECODE = `
local blob = ARGV[1]
local a, b, c, d = blob:byte(1, 4)
local out = { ((a * 256 + b) * 256 + c) * 256 + d }
for i = 5, #blob, 2 do out[#out + 1] = blob:byte(i) * 256 + blob:byte(i + 1) end
return out`;

beforeAll(() => redis.ping());
afterAll(async () => {
  await new NearDuplicateIndex(redis, { prefix }).clear();
  redis.disconnect();
});

describe('the signature the encoder writes and the claim script reads', () => {
  const fingerprint = fingerprintArticle({ title: '', body: story });

  it('is 4 + 2 x 128 + 2 x 32 = 324 bytes for a body with a full head', () => {
    expect(fingerprint.head).toHaveLength(HEAD_SHINGLES);
    expect(encodeSignature(fingerprint)).toHaveLength(4 + 2 * MINHASH_SIZE + 2 * HEAD_SHINGLES);
  });

  it('decodes in Lua to the shingle count, the low 16 bits of each MinHash value and of each head shingle', async () => {
    const decoded = (await redis.eval(DECODE, 0, encodeSignature(fingerprint))) as number[];
    expect(decoded[0]).toBe(fingerprint.shingleCount);
    expect(decoded.slice(1, 1 + MINHASH_SIZE)).toEqual(fingerprint.minhash.map((value) => value & 0xffff));
    expect(decoded.slice(1 + MINHASH_SIZE)).toEqual(fingerprint.head.map((value) => value & 0xffff));
  });

  it('is what a claim stores', async () => {
    const { articleId } = await new NearDuplicateIndex(redis, { prefix }).claim(fingerprint);
    const stored = await redis.getBuffer(`${nearDuplicateKeyPrefix(prefix)}sig:${articleId}`);
    expect(stored?.equals(encodeSignature(fingerprint))).toBe(true);
  });
});
