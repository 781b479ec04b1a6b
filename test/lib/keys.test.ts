import { describe, expect, it } from 'vitest';
import { keysMatching, ledgerKey, nearDuplicateKeyPrefix, pipelinePrefix } from '../../lib/keys.ts';

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
});
