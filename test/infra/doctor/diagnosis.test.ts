import { describe, expect, it } from 'vitest';
import {
  diagnoseElasticsearch,
  diagnoseKibana,
  diagnoseRedis,
  exitCodeFor,
  formatFindings,
  scrubSecrets,
} from '../../../infra/doctor/diagnosis.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';
const ES_URL = 'http://127.0.0.1:9200';
const healthyEs = {
  version: '9.5.0',
  clusterName: 'sluice-local',
  health: 'green',
  nodes: 1,
  englishAnalyzer: true,
};

describe('diagnoseRedis', () => {
  it('is happy with noeviction and AOF on', () => {
    const finding = diagnoseRedis(
      { facts: { version: '7.2.4', maxmemoryPolicy: 'noeviction', appendOnly: true } },
      REDIS_URL,
      true,
    );
    expect(finding).toMatchObject({ verdict: 'ok', fixes: [] });
    expect(finding.summary).toBe('7.2.4 at redis://127.0.0.1:6379 (maxmemory-policy noeviction, AOF on)');
  });

  it('warns, with the command that fixes it, when keys may be evicted or AOF is off', () => {
    const finding = diagnoseRedis(
      { facts: { version: '7.2.4', maxmemoryPolicy: 'allkeys-lru', appendOnly: false } },
      REDIS_URL,
      true,
    );
    expect(finding.verdict).toBe('warn');
    expect(finding.fixes).toHaveLength(2);
    expect(finding.fixes[0]).toMatch(/CONFIG SET maxmemory-policy noeviction/);
    expect(finding.fixes[1]).toMatch(/CONFIG SET appendonly yes/);
  });

  it('fails and points at infra up when a local Redis does not answer', () => {
    const finding = diagnoseRedis(
      { error: 'Redis at redis://127.0.0.1:6379 does not answer: ECONNREFUSED' },
      REDIS_URL,
      true,
    );
    expect(finding.verdict).toBe('fail');
    expect(finding.fixes[0]).toMatch(/npm run -s sluice -- infra up/);
  });

  it('points at REDIS_URL, not at infra up, for a remote Redis', () => {
    const finding = diagnoseRedis({ error: 'no answer' }, 'redis://redis.example.com:6379', false);
    expect(finding.fixes[0]).toMatch(/check REDIS_URL/);
  });
});

describe('diagnoseElasticsearch', () => {
  it('calls yellow on one node normal', () => {
    const finding = diagnoseElasticsearch({ facts: { ...healthyEs, health: 'yellow' } }, ES_URL, true);
    expect(finding.verdict).toBe('ok');
    expect(finding.summary).toMatch(/yellow is normal for one node/);
  });

  it('fails on red health and warns when the english analyzer is missing', () => {
    expect(diagnoseElasticsearch({ facts: { ...healthyEs, health: 'red' } }, ES_URL, true).verdict).toBe(
      'fail',
    );
    const noEnglish = diagnoseElasticsearch(
      { facts: { ...healthyEs, englishAnalyzer: false } },
      ES_URL,
      true,
    );
    expect(noEnglish.verdict).toBe('warn');
    expect(noEnglish.fixes[0]).toMatch(/english/);
  });
});

describe('diagnoseKibana', () => {
  it('warns while Kibana is degraded', () => {
    expect(
      diagnoseKibana({ facts: { version: '9.5.0', level: 'degraded' } }, 'http://127.0.0.1:5601').verdict,
    ).toBe('warn');
    expect(
      diagnoseKibana({ facts: { version: '9.5.0', level: 'available' } }, 'http://127.0.0.1:5601').verdict,
    ).toBe('ok');
  });
});

describe('report', () => {
  it('prints one line per service and one per fix, and exits 1 only on a failure', () => {
    const warn = diagnoseRedis(
      { facts: { version: '7', maxmemoryPolicy: 'noeviction', appendOnly: false } },
      REDIS_URL,
      true,
    );
    const fail = diagnoseElasticsearch(
      { error: 'Elasticsearch at http://127.0.0.1:9200 does not answer' },
      ES_URL,
      true,
    );
    const text = formatFindings([warn, fail]);
    expect(text.split('\n')).toEqual([
      'WARN Redis         7 at redis://127.0.0.1:6379 (maxmemory-policy noeviction, AOF off)',
      expect.stringMatching(/^ {5}fix: AOF persistence is off/),
      'FAIL Elasticsearch Elasticsearch at http://127.0.0.1:9200 does not answer',
      expect.stringMatching(/^ {5}fix: start the local services/),
      '',
    ]);
    expect(exitCodeFor([warn])).toBe(0);
    expect(exitCodeFor([warn, fail])).toBe(1);
  });

  it('scrubs every secret out of a message', () => {
    expect(
      scrubSecrets('auth failed for s3cret-pw with key AbC123', ['s3cret-pw', 'AbC123', undefined]),
    ).toBe('auth failed for *** with key ***');
  });
});
