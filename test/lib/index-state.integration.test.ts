/**
 * lib/index-state.ts on the real Redis: where a file job writes while a reindex builds, and the
 * record of the jobs that wrote both indices, which the swap waits for.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.ts';
import { createRedis } from '../../lib/connections.ts';
import { IndexStateStore } from '../../lib/index-state.ts';

let redis: Redis;
let prefix: string;
let state: IndexStateStore;
const alias = 'articles';
const target = { index: 'articles-v2', namespace: 'articles-v2' };

beforeEach(() => {
  redis = createRedis(loadConfig().redisUrl, { blocking: true, name: 'sluice-test' });
  prefix = `{test-${randomUUID().slice(0, 12)}}`;
  state = new IndexStateStore(redis, { prefix, alias });
});

afterEach(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe('IndexStateStore.writeTargets', () => {
  it('is the alias alone while no reindex builds, and records no writer', async () => {
    expect(await state.writeTargets('job-1')).toEqual([{ index: alias, namespace: 'dedupe' }]);
    expect(await state.writers()).toEqual([]);
  });

  it('keeps a job that read the building phase writing both indices through the swapping phase', async () => {
    await state.startBuild('articles-v1', target);
    const live = { index: alias, namespace: 'dedupe' };
    expect(await state.writeTargets('early')).toEqual([live, target]);
    await state.setPhase('swapping');
    // Run again (a retry) after the phase changed: still both, since the alias waits for it.
    expect(await state.writeTargets('early')).toEqual([live, target]);
    // A job that first runs in the swapping phase writes only the new index, and is no writer.
    expect(await state.writeTargets('late')).toEqual([target]);
    expect(await state.writers()).toEqual(['early']);

    await state.forgetWriters(['early']);
    expect(await state.writeTargets('early')).toEqual([target]);
    await state.finishBuild(target);
    expect(await state.writeTargets('early')).toEqual([{ index: alias, namespace: target.namespace }]);
  });

  it('forgets the writers when the build is finished', async () => {
    await state.startBuild('articles-v1', target);
    await state.writeTargets('job-1');
    await state.finishBuild(target);
    expect(await state.writers()).toEqual([]);
  });
});
