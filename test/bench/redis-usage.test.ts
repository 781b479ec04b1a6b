import { describe, expect, it } from 'vitest';
import {
  commandsBetween,
  groupKeys,
  infoNumber,
  keyFamily,
  parseCommandStats,
  perArticle,
  rankCommands,
  totalCalls,
} from '../../bench/redis-usage.ts';

// As Redis 7.0 prints it: subcommands after a '|', fields after the counts.
const BEFORE = [
  '# Commandstats',
  'cmdstat_info:calls=3,usec=300,usec_per_call=100.00,rejected_calls=0,failed_calls=0',
  'cmdstat_evalsha:calls=10,usec=1000,usec_per_call=100.00,rejected_calls=0,failed_calls=1',
  'cmdstat_client|setname:calls=2,usec=4,usec_per_call=2.00,rejected_calls=0,failed_calls=0',
  '',
].join('\r\n');
const AFTER = [
  '# Commandstats',
  'cmdstat_info:calls=4,usec=420,usec_per_call=105.00,rejected_calls=0,failed_calls=0',
  'cmdstat_evalsha:calls=30,usec=7000,usec_per_call=233.33,rejected_calls=0,failed_calls=1',
  'cmdstat_client|setname:calls=2,usec=4,usec_per_call=2.00,rejected_calls=0,failed_calls=0',
  'cmdstat_hget:calls=50,usec=1000,usec_per_call=20.00,rejected_calls=0,failed_calls=0',
  '',
].join('\r\n');

describe('Redis usage from INFO', () => {
  it('reads every command of INFO commandstats, subcommands included, with its calls and time', () => {
    const stats = parseCommandStats(BEFORE);
    expect([...stats]).toEqual([
      ['info', { calls: 3, usec: 300 }],
      ['evalsha', { calls: 10, usec: 1000 }],
      ['client|setname', { calls: 2, usec: 4 }],
    ]);
    expect(parseCommandStats('# Commandstats\r\n').size).toBe(0);
  });

  it("keeps what ran between two snapshots, less the measuring client's own calls", () => {
    const ran = commandsBetween(parseCommandStats(BEFORE), parseCommandStats(AFTER), { info: 1 });
    // info: 4 - 3 - 1 own = 0, left out; client|setname did not run again.
    expect([...ran]).toEqual([
      ['evalsha', { calls: 20, usec: 6000 }],
      ['hget', { calls: 50, usec: 1000 }],
    ]);
    expect(totalCalls(ran)).toBe(70);
  });

  it('ranks commands by calls with their shares of calls and of Redis time, per article', () => {
    const ran = commandsBetween(parseCommandStats(BEFORE), parseCommandStats(AFTER), { info: 1 });
    expect(rankCommands(ran, 20)).toEqual([
      { name: 'hget', calls: 50, perArticle: 2.5, callsPercent: 71.4, usecPercent: 14.3 },
      { name: 'evalsha', calls: 20, perArticle: 1, callsPercent: 28.6, usecPercent: 85.7 },
    ]);
    expect(rankCommands(ran, 20, 1).map((command) => command.name)).toEqual(['hget']);
  });

  it('divides per article to two decimals, and gives NaN (null in JSON) for no article', () => {
    expect(perArticle(7, 3)).toBe(2.33);
    expect(perArticle(0, 5)).toBe(0);
    expect(perArticle(10, 0)).toBeNaN();
    expect(JSON.stringify({ value: perArticle(10, 0) })).toBe('{"value":null}');
  });

  it('reads one number of an INFO section and says which field is missing', () => {
    const memory = '# Memory\r\nused_memory:1049608\r\nused_memory_human:1.00M\r\nused_memory_rss:9000\r\n';
    expect(infoNumber(memory, 'used_memory')).toBe(1049608);
    expect(infoNumber(memory, 'used_memory_rss')).toBe(9000);
    expect(() => infoNumber(memory, 'used_memory_peak')).toThrow('used_memory_peak');
  });
});

describe('key families', () => {
  it('drops the prefix and turns ids (numbers, long parts with a digit) into *', () => {
    const prefix = '{bench-1a2b-e2e}';
    const sha = 'f'.repeat(20) + '0123456789abcdef'.repeat(3);
    expect(keyFamily(`${prefix}:extract:${sha}-1`, prefix)).toBe('extract:*');
    expect(keyFamily(`${prefix}:index:${sha}-1-3:logs`, prefix)).toBe('index:*:logs');
    expect(keyFamily(`${prefix}:near-duplicates:dedupe:lsh:417`, prefix)).toBe(
      'near-duplicates:dedupe:lsh:*',
    );
    expect(keyFamily(`${prefix}:ledger:${sha}`, prefix)).toBe('ledger:*');
    // Names stay: words, and short parts with a digit (a version) that are not all digits.
    expect(keyFamily(`${prefix}:index:events`, prefix)).toBe('index:events');
    expect(keyFamily(`${prefix}:finalize:v2:meta`, prefix)).toBe('finalize:v2:meta');
    expect(keyFamily('other:thing', prefix)).toBe('other:thing');
  });

  it('groups keys by family and type, largest first', () => {
    const prefix = '{p}';
    const groups = groupKeys(
      [
        { key: '{p}:extract:aaaa1111-1', type: 'hash', bytes: 100 },
        { key: '{p}:extract:bbbb2222-1', type: 'hash', bytes: 300 },
        { key: '{p}:extract:events', type: 'stream', bytes: 50 },
        { key: '{p}:ledger:cccc3333', type: 'hash', bytes: 500 },
      ],
      prefix,
    );
    expect(groups).toEqual([
      { family: 'ledger:*', type: 'hash', keys: 1, bytes: 500 },
      { family: 'extract:*', type: 'hash', keys: 2, bytes: 400 },
      { family: 'extract:events', type: 'stream', keys: 1, bytes: 50 },
    ]);
  });
});
