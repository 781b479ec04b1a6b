import { describe, expect, it } from 'vitest';
import {
  CLUSTER_SLOTS,
  keySlot,
  keysMatching,
  ledgerKey,
  nearDuplicateKeyPrefix,
  partitionOf,
  partitionPrefixes,
  pipelinePrefix,
} from '../../lib/keys.ts';

describe('pipeline keys', () => {
  it('wraps the pipeline prefix in a Redis Cluster hash tag', () => {
    expect(pipelinePrefix({ queuePrefix: 'news' })).toBe('{news}');
  });

  it('puts every key of a pipeline under its hash-tagged prefix', () => {
    const prefix = pipelinePrefix({ queuePrefix: 'news' });
    expect(ledgerKey(prefix, 'ab12')).toBe('{news}:ledger:ab12');
    expect(nearDuplicateKeyPrefix(prefix)).toBe('{news}:near-duplicates:dedupe:');
  });

  it('matches a prefix literally in SCAN, brackets and wildcards included', () => {
    expect(keysMatching('{a[1]*?}:x:')).toBe('{a\\[1\\]\\*\\?}:x:*');
  });

  it('computes hash slots as CLUSTER KEYSLOT does, hash tags included', () => {
    // Values printed by Redis 7's CLUSTER KEYSLOT (the cluster test checks more on a live cluster).
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('hello')).toBe(866);
    expect(keySlot('somekey')).toBe(11058);
    expect(keySlot('{user1000}.following')).toBe(keySlot('user1000'));
    expect(keySlot('{}user1000')).not.toBe(keySlot(''));
  });

  it('keeps the single prefix for one partition, and puts K partitions in the K equal slot ranges', () => {
    expect(partitionPrefixes({ queuePrefix: 'news', partitions: 1 })).toEqual(['{news}']);
    for (const k of [2, 3, 5]) {
      const prefixes = partitionPrefixes({ queuePrefix: 'news', partitions: k });
      expect(new Set(prefixes).size).toBe(k);
      prefixes.forEach((prefix, i) => {
        expect(prefix).toMatch(new RegExp(`^\\{news\\.${i}\\.\\d+\\}$`));
        expect(Math.floor((keySlot(prefix) * k) / CLUSTER_SLOTS)).toBe(i);
      });
    }
  });

  it('routes a content hash (or a job id starting with it) to the same partition', () => {
    const hash = 'c0ffee'.padEnd(64, '0');
    expect(partitionOf(hash, 1)).toBe(0);
    expect(partitionOf(hash, 3)).toBe(0xc0ffee00 % 3);
    expect(partitionOf(`${hash}-2`, 3)).toBe(partitionOf(hash, 3));
  });
});
