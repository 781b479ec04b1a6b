/**
 * The command lines that start the local Redis and Elasticsearch. Pure: building them is tested
 * directly; running them is local-redis.ts's and local-elasticsearch.ts's job.
 */
import type { ElasticsearchLayout } from './elasticsearch-distribution.ts';

export interface LaunchCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/**
 * Heap for a node that shares the machine with Redis, the workers and the tests: a sixteenth of
 * the memory in 256 MB steps, between 512 MB and 2 GB (1.5 GB on a 24 GB machine).
 */
export function heapMegabytes(totalMemoryBytes: number): number {
  const sixteenth = totalMemoryBytes / 16 / 2 ** 20;
  return Math.min(2048, Math.max(512, Math.floor(sixteenth / 256) * 256));
}

export interface ElasticsearchLaunchOptions {
  /** The distribution (home) and this node's own files (data, logs, pid file). */
  layout: ElasticsearchLayout;
  /** HTTP port taken from ELASTICSEARCH_URL. */
  port: number;
  javaHome: string;
  heapMegabytes: number;
  /**
   * Elasticsearch refuses to run as root. Root (as on CI) starts it in a user namespace where it
   * is an ordinary user; outside the namespace it stays root, so it can still use the cache dir
   * under /root without changing any owner or permission.
   */
  runningAsRoot: boolean;
  /** Absent: the local single node (`discovery.type=single-node`, cluster `sluice-local`). */
  cluster?: ClusterMembership;
}

/** A node of a cluster of nodes on loopback, each with its own transport port. */
export interface ClusterMembership {
  name: string;
  nodeName: string;
  transportPort: number;
  /** Transport ports of the cluster's nodes (this one's too), where discovery looks for the others. */
  seedPorts: readonly number[];
  /**
   * The master-eligible nodes that elect the first master of a new cluster; left out when a node
   * of a formed cluster starts again (Elasticsearch warns that bootstrapping twice could lose data).
   */
  initialMasterNodes?: readonly string[];
}

export function elasticsearchCommand(options: ElasticsearchLaunchOptions): LaunchCommand {
  const { layout, port, cluster } = options;
  const membership = cluster
    ? [
        `-Ecluster.name=${cluster.name}`,
        `-Enode.name=${cluster.nodeName}`,
        `-Etransport.port=${cluster.transportPort}`,
        `-Ediscovery.seed_hosts=${cluster.seedPorts.map((seed) => `127.0.0.1:${seed}`).join(',')}`,
        ...(cluster.initialMasterNodes
          ? [`-Ecluster.initial_master_nodes=${cluster.initialMasterNodes.join(',')}`]
          : []),
      ]
    : ['-Ecluster.name=sluice-local', '-Enode.name=sluice-local', '-Ediscovery.type=single-node'];
  const server = [
    `${layout.home}/bin/elasticsearch`,
    '-d', // detach once the node has started (or failed to)
    '-p',
    layout.pidFile,
    ...membership,
    '-Expack.security.enabled=false',
    '-Enetwork.host=127.0.0.1',
    `-Ehttp.port=${port}`,
    `-Epath.data=${layout.data}`,
    `-Epath.logs=${layout.logs}`,
    // A development node on a shared disk: never turn indices read-only because the disk is full-ish.
    '-Ecluster.routing.allocation.disk.threshold_enabled=false',
  ];
  const [command, ...args] = options.runningAsRoot
    ? ['unshare', '--user', '--map-user=1000', '--map-group=1000', '--', ...server]
    : server;
  return {
    command: command as string,
    args,
    env: {
      ES_JAVA_HOME: options.javaHome,
      // Tuned for start-up on a busy 2-core machine: no pre-touching of the whole heap, and only the
      // C1 JIT (a start took 37 s with C2 compiling start-up code under load, 15 s with C1 alone).
      // Steady-state speed is lower than the official image's: benchmark ES itself against that.
      ES_JAVA_OPTS: `-Xms${options.heapMegabytes}m -Xmx${options.heapMegabytes}m -XX:-AlwaysPreTouch -XX:TieredStopAtLevel=1`,
    },
  };
}

export interface RedisLaunchOptions {
  port: number;
  /** Working directory: the append-only file lives here. */
  dir: string;
  pidFile: string;
  logFile: string;
}

/** Redis as the compose file runs it: AOF on, never evict queue keys, loopback only. */
export function redisCommand(options: RedisLaunchOptions): LaunchCommand {
  return {
    command: 'redis-server',
    args: [
      '--port',
      String(options.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      options.dir,
      '--appendonly',
      'yes',
      '--maxmemory-policy',
      'noeviction',
      '--daemonize',
      'yes',
      '--pidfile',
      options.pidFile,
      '--logfile',
      options.logFile,
    ],
    env: {},
  };
}

/** The port of a service URL, with the service's default when the URL names none. */
export function urlPort(url: string, defaultPort: number): number {
  const port = new URL(url).port;
  return port ? Number(port) : defaultPort;
}
