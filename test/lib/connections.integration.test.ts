import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.ts';
import { createElasticsearch, createRedis } from '../../lib/connections.ts';

const config = loadConfig();

describe('createElasticsearch on the real node', () => {
  const client = createElasticsearch(config);
  const index = `test-connections-${randomUUID()}`;
  afterAll(async () => {
    await client.indices.delete({ index, ignore_unavailable: true });
    await client.close();
  });

  it('writes a document and finds it again by a full-text search', async () => {
    await client.index({
      index,
      id: 'a1',
      document: { title: 'Floods close the river road' },
      refresh: 'wait_for',
    });
    const { _source } = await client.get<{ title: string }>({ index, id: 'a1' });
    expect(_source?.title).toBe('Floods close the river road');
    const found = await client.search({ index, query: { match: { title: 'river' } } });
    expect(found.hits.hits.map((hit) => hit._id)).toEqual(['a1']);
  });
});

describe('createRedis on the real server', () => {
  const prefix = `test-connections-${randomUUID()}`;
  const redis = createRedis(config.redisUrl, { name: 'sluice-test' });
  afterAll(async () => {
    await redis.del(`${prefix}:key`);
    redis.disconnect();
  });

  it('writes and reads a key, under the connection name it was given', async () => {
    await redis.set(`${prefix}:key`, 'value', 'EX', 60);
    expect(await redis.get(`${prefix}:key`)).toBe('value');
    expect(await redis.client('GETNAME')).toBe('sluice-test');
  });

  it('fails a command at once instead of queueing it while the server is unreachable', async () => {
    const nowhere = createRedis('redis://127.0.0.1:1');
    nowhere.on('error', () => {});
    await expect(nowhere.ping()).rejects.toThrow();
    nowhere.disconnect();
  });
});
