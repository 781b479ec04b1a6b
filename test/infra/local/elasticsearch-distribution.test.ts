import { describe, expect, it } from 'vitest';
import {
  checksumUrls,
  distributionUrl,
  ELASTICSEARCH_VERSION,
  elasticsearchLayout,
  knownSha512,
  parseChecksumFile,
} from '../../../infra/local/elasticsearch-distribution.ts';

describe('elasticsearch distribution', () => {
  it('downloads the integ-test-zip of the pinned version from Maven Central over HTTPS', () => {
    expect(distributionUrl('9.5.0')).toBe(
      'https://repo1.maven.org/maven2/org/elasticsearch/distribution/integ-test-zip/elasticsearch/9.5.0/elasticsearch-9.5.0.zip',
    );
    expect(ELASTICSEARCH_VERSION).toMatch(/^9\.\d+\.\d+$/);
  });

  it('has a recorded SHA-512 for the pinned version, so the download is always checked', () => {
    expect(knownSha512(ELASTICSEARCH_VERSION)).toMatch(/^[0-9a-f]{128}$/);
    expect(knownSha512('1.0.0')).toBeUndefined();
  });

  it('prefers the SHA-512 file over the SHA-1 file', () => {
    expect(checksumUrls('9.5.0').map((c) => c.algorithm)).toEqual(['sha512', 'sha1']);
    expect(checksumUrls('9.5.0')[0]?.url).toBe(`${distributionUrl('9.5.0')}.sha512`);
  });

  it('reads a bare digest and a "digest  file" line, and rejects anything else', () => {
    const sha1 = 'a'.repeat(40);
    expect(parseChecksumFile(`${sha1}\n`, 'sha1')).toBe(sha1);
    expect(parseChecksumFile(`${sha1.toUpperCase()}  elasticsearch-9.5.0.zip`, 'sha1')).toBe(sha1);
    expect(parseChecksumFile('<html>Not Found</html>', 'sha1')).toBeUndefined();
    expect(parseChecksumFile(sha1, 'sha512')).toBeUndefined();
  });

  it('keeps downloads, the install, data and logs under the cache dir, data shared across versions', () => {
    const layout = elasticsearchLayout('/cache', '9.5.0');
    expect(layout).toEqual({
      zip: '/cache/downloads/elasticsearch-9.5.0.zip',
      home: '/cache/elasticsearch/9.5.0/elasticsearch-9.5.0',
      data: '/cache/elasticsearch/data',
      logs: '/cache/elasticsearch/logs',
      pidFile: '/cache/elasticsearch/elasticsearch.pid',
      startupLog: '/cache/elasticsearch/logs/startup.log',
    });
    expect(elasticsearchLayout('/cache', '9.6.0').data).toBe(layout.data);
  });
});
