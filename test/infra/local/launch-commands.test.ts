import { describe, expect, it } from 'vitest';
import { elasticsearchLayout } from '../../../infra/local/elasticsearch-distribution.ts';
import {
  elasticsearchCommand,
  heapMegabytes,
  redisCommand,
  urlPort,
} from '../../../infra/local/launch-commands.ts';

const GiB = 2 ** 30;

describe('heapMegabytes', () => {
  it('gives a sixteenth of the memory in 256 MB steps, between 512 MB and 2 GB', () => {
    expect(heapMegabytes(24 * GiB)).toBe(1536);
    expect(heapMegabytes(4 * GiB)).toBe(512);
    expect(heapMegabytes(128 * GiB)).toBe(2048);
  });
});

describe('elasticsearchCommand', () => {
  const layout = elasticsearchLayout('/cache', '9.5.0');
  const options = { layout, port: 9201, javaHome: '/jvm/25', heapMegabytes: 1024, runningAsRoot: false };

  it('starts a detached single node on loopback, security off, files in the cache dir', () => {
    const launch = elasticsearchCommand(options);
    expect(launch.command).toBe('/cache/elasticsearch/9.5.0/elasticsearch-9.5.0/bin/elasticsearch');
    expect(launch.args).toEqual(
      expect.arrayContaining([
        '-d',
        '-p',
        '/cache/elasticsearch/elasticsearch.pid',
        '-Ediscovery.type=single-node',
        '-Expack.security.enabled=false',
        '-Enetwork.host=127.0.0.1',
        '-Ehttp.port=9201',
        '-Epath.data=/cache/elasticsearch/data',
        '-Epath.logs=/cache/elasticsearch/logs',
      ]),
    );
    expect(launch.env).toEqual({
      ES_JAVA_HOME: '/jvm/25',
      ES_JAVA_OPTS: '-Xms1024m -Xmx1024m -XX:-AlwaysPreTouch -XX:TieredStopAtLevel=1',
    });
  });

  it('runs as an ordinary user in a user namespace when started by root', () => {
    const launch = elasticsearchCommand({ ...options, runningAsRoot: true });
    expect([launch.command, ...launch.args.slice(0, 5)]).toEqual([
      'unshare',
      '--user',
      '--map-user=1000',
      '--map-group=1000',
      '--',
      '/cache/elasticsearch/9.5.0/elasticsearch-9.5.0/bin/elasticsearch',
    ]);
  });
});

describe('redisCommand', () => {
  it('runs Redis on loopback with AOF and noeviction, daemonized with a pid file', () => {
    const launch = redisCommand({ port: 6380, dir: '/cache/redis/6380', pidFile: '/p', logFile: '/l' });
    expect(launch.command).toBe('redis-server');
    expect(launch.args.join(' ')).toBe(
      '--port 6380 --bind 127.0.0.1 --dir /cache/redis/6380 --appendonly yes --maxmemory-policy noeviction --daemonize yes --pidfile /p --logfile /l',
    );
  });
});

describe('urlPort', () => {
  it('takes the port from the URL, else the default', () => {
    expect(urlPort('http://127.0.0.1:9201', 9200)).toBe(9201);
    expect(urlPort('redis://localhost', 6379)).toBe(6379);
  });
});
