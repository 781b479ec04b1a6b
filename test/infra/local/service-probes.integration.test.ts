import { describe, expect, it } from 'vitest';
import { parseRedisInfo, probeElasticsearch, probeRedis } from '../../../infra/local/service-probes.ts';
import { loadConfig } from '../../../lib/config.ts';
import { ServiceError } from '../../../lib/errors.ts';

const config = loadConfig();

describe('parseRedisInfo', () => {
  it('reads key:value lines and skips section headers', () => {
    const info = parseRedisInfo(
      '# Server\r\nredis_version:7.0.15\r\n\r\n# Memory\r\nmaxmemory_policy:noeviction\r\n',
    );
    expect(info.get('redis_version')).toBe('7.0.15');
    expect(info.get('maxmemory_policy')).toBe('noeviction');
    expect(info.has('# Server')).toBe(false);
  });
});

describe('service probes on the real services', () => {
  it('reads the version and the settings of the real Redis', async () => {
    const facts = await probeRedis(config.redisUrl);
    expect(facts.version).toMatch(/^\d+\.\d+/);
    expect(typeof facts.appendOnly).toBe('boolean');
    expect(facts.maxmemoryPolicy).not.toBe('unknown');
  });

  it('reads the version and health of the real Elasticsearch', async () => {
    const facts = await probeElasticsearch(config);
    expect(facts.version).toMatch(/^[89]\.\d+\.\d+/);
    expect(['green', 'yellow']).toContain(facts.health);
  });

  it('fails fast with a ServiceError naming the URL when nothing listens', async () => {
    const started = Date.now();
    const unused = { elasticsearch: { url: 'http://127.0.0.1:1' } };
    await expect(probeElasticsearch(unused)).rejects.toBeInstanceOf(ServiceError);
    await expect(probeElasticsearch(unused)).rejects.toThrow(
      /Elasticsearch at http:\/\/127\.0\.0\.1:1 does not answer/,
    );
    await expect(probeRedis('redis://127.0.0.1:1')).rejects.toThrow(
      /Redis at redis:\/\/127\.0\.0\.1:1 does not answer/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
