import { describe, expect, it } from 'vitest';
import { elasticsearchLayout, nodeFilesIn } from '../../../infra/local/elasticsearch-distribution.ts';
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

  it('starts a node of a loopback cluster with its own files, transport port, seed hosts and first masters', () => {
    const cluster = {
      name: 'sluice-test',
      nodeName: 'node-2',
      transportPort: 9302,
      seedPorts: [9301, 9302, 9303],
      initialMasterNodes: ['node-1', 'node-2', 'node-3'],
    };
    const node = { ...options, layout: nodeFilesIn(layout, '/tmp/c/node-2'), heapMegabytes: 512, cluster };
    const launch = elasticsearchCommand(node);
    expect(launch.command).toBe('/cache/elasticsearch/9.5.0/elasticsearch-9.5.0/bin/elasticsearch');
    expect(launch.args).toEqual(
      expect.arrayContaining([
        '-p',
        '/tmp/c/node-2/elasticsearch.pid',
        '-Ecluster.name=sluice-test',
        '-Enode.name=node-2',
        '-Etransport.port=9302',
        '-Ediscovery.seed_hosts=127.0.0.1:9301,127.0.0.1:9302,127.0.0.1:9303',
        '-Ecluster.initial_master_nodes=node-1,node-2,node-3',
        '-Expack.security.enabled=false',
        '-Epath.data=/tmp/c/node-2/data',
        '-Epath.logs=/tmp/c/node-2/logs',
      ]),
    );
    expect(launch.args.join(' ')).not.toContain('single-node');
    expect(launch.env.ES_JAVA_OPTS).toMatch(/^-Xms512m -Xmx512m /);
    // Started again once the cluster has formed, a node only joins it: no second bootstrap.
    const again = elasticsearchCommand({ ...node, cluster: { ...cluster, initialMasterNodes: undefined } });
    expect(again.args.join(' ')).not.toContain('initial_master_nodes');
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
