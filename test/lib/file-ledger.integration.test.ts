import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.ts';
import { createRedis } from '../../lib/connections.ts';
import { FileLedger } from '../../lib/file-ledger.ts';
import { partitionOf, partitionPrefixes } from '../../lib/keys.ts';

const redis = createRedis(loadConfig().redisUrl, { blocking: true, name: 'sluice-test' });
const name = `test-${randomUUID()}`;
const prefix = `{${name}}`;
const partitions = partitionPrefixes({ queuePrefix: name, partitions: 3 });
const ledger = new FileLedger(redis, { prefix, inbox: '/srv/inbox' });
const hash = () => randomUUID().replaceAll('-', '').padEnd(64, '0');

afterAll(async () => {
  for (const tag of [prefix, ...partitions]) {
    const keys = await redis.keys(`${tag}*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  redis.disconnect();
});

describe('FileLedger', () => {
  it('claims unseen content as new, run 1', async () => {
    const fileHash = hash();
    expect(await ledger.claim({ fileHash, path: '/in/a.txt', fileName: 'a.txt' })).toEqual({
      outcome: 'new',
      run: 1,
      previous: null,
    });
    expect(await ledger.get(fileHash)).toMatchObject({
      status: 'pending',
      run: 1,
      path: '/in/a.txt',
      repeats: 0,
    });
  });

  it('resumes a pending claim from the same path and calls another path a repeat', async () => {
    const fileHash = hash();
    await ledger.claim({ fileHash, path: '/in/a.txt', fileName: 'a.txt' });
    expect((await ledger.claim({ fileHash, path: '/in/a.txt', fileName: 'a.txt' })).outcome).toBe('resume');
    expect(await ledger.claim({ fileHash, path: '/in/b.txt', fileName: 'b.txt' })).toEqual({
      outcome: 'repeat',
      run: 1,
      previous: 'pending',
    });
    expect((await ledger.get(fileHash))?.repeats).toBe(1);
  });

  it('records a repeat of settled content, and gives failed content a new run', async () => {
    const done = hash();
    await ledger.claim({ fileHash: done, path: '/in/a.txt', fileName: 'a.txt' });
    await ledger.settle(done, 1, { status: 'done', articles: 4, newArticles: 3 });
    expect((await ledger.claim({ fileHash: done, path: '/in/a.txt', fileName: 'a.txt' })).outcome).toBe(
      'repeat',
    );
    expect(await ledger.get(done)).toMatchObject({ status: 'done', articles: 4, newArticles: 3, repeats: 1 });

    const failed = hash();
    await ledger.claim({ fileHash: failed, path: '/in/c.txt', fileName: 'c.txt' });
    await ledger.settle(failed, 1, { status: 'failed', error: { code: 'X', message: 'm', stage: 'index' } });
    expect(await ledger.claim({ fileHash: failed, path: '/in/c.txt', fileName: 'c.txt' })).toEqual({
      outcome: 'new',
      run: 2,
      previous: 'failed',
    });
    expect(await ledger.get(failed)).toMatchObject({ status: 'pending', run: 2, error: null });
  });

  it('ignores the settlement of a run that is no longer current', async () => {
    const fileHash = hash();
    await ledger.claim({ fileHash, path: '/in/a.txt', fileName: 'a.txt' });
    await ledger.settle(fileHash, 1, {
      status: 'failed',
      error: { code: 'X', message: 'm', stage: 'extract' },
    });
    await ledger.claim({ fileHash, path: '/in/a.txt', fileName: 'a.txt' });
    expect((await ledger.settle(fileHash, 1, { status: 'done' })).settled).toBe(false);
    expect((await ledger.get(fileHash))?.status).toBe('pending');
  });

  it('lets exactly one of many concurrent claims process the content', async () => {
    const fileHash = hash();
    const claims = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        ledger.claim({ fileHash, path: `/in/${i}.txt`, fileName: `${i}.txt` }),
      ),
    );
    expect(claims.filter((claim) => claim.outcome === 'new')).toHaveLength(1);
  });

  it('reads many entries in one round trip, null for unknown content', async () => {
    const known = hash();
    await ledger.claim({ fileHash: known, path: '/in/a.txt', fileName: 'a.txt' });
    const entries = await ledger.getMany([known, hash()]);
    expect(entries.map((entry) => entry?.status ?? null)).toEqual(['pending', null]);
  });
});

describe('FileLedger over a window (issue 15)', () => {
  const windowMs = 60_000;
  const windowed = new FileLedger(redis, { prefix, inbox: '/srv/inbox', windowMs });
  const claim = (fileHash: string, path = '/in/a.txt') =>
    windowed.claim({ fileHash, path, fileName: 'a.txt' });

  it('never expires a pending entry, and expires a settled one one window after it settled', async () => {
    const fileHash = hash();
    await claim(fileHash);
    expect(await redis.pttl(windowed.key(fileHash))).toBe(-1);
    await windowed.settle(fileHash, 1, { status: 'done', articles: 1, newArticles: 1 });
    const ttl = await redis.pttl(windowed.key(fileHash));
    expect(ttl).toBeGreaterThan(windowMs - 5000);
    expect(ttl).toBeLessThanOrEqual(windowMs);
  });

  it('keeps the expiry of a settled entry through repeats, and drops it when a failed content runs again', async () => {
    const fileHash = hash();
    await claim(fileHash);
    await windowed.settle(fileHash, 1, {
      status: 'failed',
      error: { code: 'INPUT_EMPTY', message: 'empty', stage: 'extract' },
    });
    expect(await redis.pttl(windowed.key(fileHash))).toBeGreaterThan(0);
    expect((await claim(fileHash)).outcome).toBe('new');
    expect(await redis.pttl(windowed.key(fileHash))).toBe(-1);
    await windowed.settle(fileHash, 2, { status: 'done' });
    expect((await claim(fileHash, '/in/b.txt')).outcome).toBe('repeat');
    expect(await redis.pttl(windowed.key(fileHash))).toBeGreaterThan(0);
  });

  it('forgets a settled content once the window has passed, so it is new again', async () => {
    const short = new FileLedger(redis, { prefix, inbox: '/srv/inbox', windowMs: 200 });
    const fileHash = hash();
    await short.claim({ fileHash, path: '/in/a.txt', fileName: 'a.txt' });
    await short.settle(fileHash, 1, { status: 'done' });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await short.get(fileHash)).toBeNull();
    expect((await short.claim({ fileHash, path: '/in/a.txt', fileName: 'a.txt' })).outcome).toBe('new');
  });

  it('partitioned, keeps each entry under its content partition tag and reads them all back in order', async () => {
    const partitioned = new FileLedger(redis, { prefix: partitions, inbox: '/srv/inbox' });
    // Leading words 0..11: four contents per partition.
    const hashes = Array.from({ length: 12 }, (_, i) => i.toString(16).padStart(8, '0') + hash().slice(8));
    for (const [i, fileHash] of hashes.entries())
      await partitioned.claim({ fileHash, path: `/in/${i}.txt`, fileName: `${i}.txt` });
    for (const fileHash of hashes) {
      const key = partitioned.key(fileHash);
      expect(key.startsWith(`${partitions[partitionOf(fileHash, 3)]}:ledger:`)).toBe(true);
      expect(await redis.exists(key)).toBe(1);
    }
    expect(new Set(hashes.map((fileHash) => partitionOf(fileHash, 3))).size).toBe(3);
    const entries = await partitioned.getMany([...hashes, hash()]);
    expect(entries.map((entry) => entry?.fileName ?? null)).toEqual([
      ...hashes.map((_, i) => `${i}.txt`),
      null,
    ]);
    const found = (await Promise.all(partitioned.keyPatterns().map((pattern) => redis.keys(pattern)))).flat();
    expect(found.sort()).toEqual(hashes.map((fileHash) => partitioned.key(fileHash)).sort());
  });
});
