import { describe, expect, it } from 'vitest';
import { batchBounds, keyKind, memoryGrowth, usageByKind } from '../../bench/soak.bench.ts';

const prefix = '{bench-1-soak}';

describe('the soak benchmark', () => {
  it('sorts a pipeline key by the kind lib/keys.ts and BullMQ give it', () => {
    const hash = 'ab'.repeat(32);
    expect(keyKind(`${prefix}:ledger:${hash}`, prefix)).toBe('ledger');
    expect(keyKind(`${prefix}:near-duplicates:dedupe:exact:z4k1:3f2a`, prefix)).toBe('dedup-exact');
    expect(keyKind(`${prefix}:near-duplicates:dedupe:lsh:z4k1:3f2a`, prefix)).toBe('dedup-lsh');
    expect(keyKind(`${prefix}:near-duplicates:articles-v2:sig:${hash.slice(0, 24)}`, prefix)).toBe(
      'dedup-sig',
    );
    expect(keyKind(`${prefix}:files:${hash}-1`, prefix)).toBe('queue-jobs');
    expect(keyKind(`${prefix}:files:${hash}-1:logs`, prefix)).toBe('queue-jobs');
    expect(keyKind(`${prefix}:files:events`, prefix)).toBe('queue-other');
    expect(keyKind(`${prefix}:files:completed`, prefix)).toBe('queue-other');
    expect(keyKind('{other}:ledger:x', prefix)).toBe('other');
  });

  it('sums keys and bytes by kind', () => {
    const kinds = usageByKind(
      [
        { key: `${prefix}:ledger:a`, bytes: 400 },
        { key: `${prefix}:ledger:b`, bytes: 500 },
        { key: `${prefix}:files:meta`, bytes: 100 },
      ],
      prefix,
    );
    expect(kinds.ledger).toEqual({ keys: 2, bytes: 900 });
    expect(kinds['queue-other']).toEqual({ keys: 1, bytes: 100 });
    expect(kinds['dedup-lsh']).toEqual({ keys: 0, bytes: 0 });
  });

  it('cuts the run into batches that end on every checkpoint', () => {
    expect(batchBounds([5, 10, 20], 4)).toEqual([
      [0, 4],
      [4, 5],
      [5, 9],
      [9, 10],
      [10, 14],
      [14, 18],
      [18, 20],
    ]);
  });

  it('says how much the memory grew from the first checkpoint to the last', () => {
    expect(memoryGrowth([{ usedMemory: 1000 }, { usedMemory: 1200 }, { usedMemory: 1050 }])).toBe(0.05);
    expect(memoryGrowth([{ usedMemory: 1000 }, { usedMemory: 2000 }, { usedMemory: 4000 }])).toBe(3);
  });
});
