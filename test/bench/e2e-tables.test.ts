import { describe, expect, it } from 'vitest';
import { markdownTable, sentRanking } from '../../bench/e2e-tables.ts';

describe('the e2e tables', () => {
  it('pads Markdown columns to their widest cell', () => {
    expect(
      markdownTable(
        ['Command', 'Calls'],
        [
          ['evalsha', '7967'],
          ['hget', '12'],
        ],
      ),
    ).toEqual(['| Command | Calls |', '| ------- | ----- |', '| evalsha | 7967  |', '| hget    | 12    |']);
  });

  it('ranks the commands sent by worker and producer together, most sent first', () => {
    expect(
      sentRanking({ worker: { evalsha: 10, multi: 2 }, producer: { hgetall: 6, evalsha: 1, multi: 0 } }),
    ).toEqual([
      { name: 'evalsha', worker: 10, producer: 1 },
      { name: 'hgetall', worker: 0, producer: 6 },
      { name: 'multi', worker: 2, producer: 0 },
    ]);
  });
});
