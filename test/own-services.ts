/**
 * Services of a test's (or a CI step's) own, on free ports: a TCP proxy to a real service that can
 * cut it off, a redis-server with its data in a temporary folder that can be stopped and
 * started again, and a Redis Cluster of such servers. Plain Node: no vitest here, so scripts
 * outside the runner use it too.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

/** A free TCP port on loopback (asked of the OS, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A TCP proxy to `target` on a port of its own. `stop()` closes the port and cuts every open
 * connection (clients get "connection refused" as from a stopped node); `start()` opens it again.
 * `hold()` keeps connections open but passes nothing on (a node that hangs), until `release()`.
 */
export class TcpProxy {
  readonly port: number;
  readonly #target: { host: string; port: number };
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  /** While held, what each connection sent, to pass on at release. */
  #held: Array<() => void> | undefined;

  private constructor(port: number, target: { host: string; port: number }) {
    this.port = port;
    this.#target = target;
  }

  static async open(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(await freePort(), target);
    await proxy.start();
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Opens the port; does nothing when it is open. */
  async start(): Promise<void> {
    if (this.#server) return;
    const server = createServer((client) => {
      const upstream = connect(this.#target.port, this.#target.host);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      const forward = (from: Socket, to: Socket) =>
        from.on('data', (chunk: Buffer) => {
          if (this.#held) this.#held.push(() => to.write(chunk));
          else to.write(chunk);
        });
      forward(client, upstream);
      forward(upstream, client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.#server = server;
  }

  /** From now on, bytes in either direction wait (connections stay open). */
  hold(): void {
    this.#held ??= [];
  }

  /** Passes on what waited, and forwards again. */
  release(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const send of held) send();
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  }
}

export interface OwnRedisOptions {
  /** AOF on, as production runs it (restart tests); default true. Off, nothing is written to disk. */
  appendOnly?: boolean;
  /** `requirepass`: clients must authenticate with it; default none. */
  password?: string;
  /** Further `--name value` arguments of redis-server (cluster mode: OwnRedisCluster). */
  args?: readonly string[];
}

/** A redis-server of the test's own, on a free port, data in a temporary folder. */
export class OwnRedis {
  readonly port: number;
  readonly #dir: string;
  readonly #options: OwnRedisOptions;
  #process: ChildProcess | undefined;

  private constructor(port: number, dir: string, options: OwnRedisOptions) {
    this.port = port;
    this.#dir = dir;
    this.#options = options;
  }

  /** The server's process id while it runs. */
  get pid(): number | undefined {
    return this.#process?.pid;
  }

  static async start(options: OwnRedisOptions = {}): Promise<OwnRedis> {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-redis-'));
    const redis = new OwnRedis(await freePort(), dir, options);
    await redis.start();
    return redis;
  }

  /** The URL without credentials (add the password to connect when one is required). */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts redis-server on the same port and data; does nothing while it runs. */
  async start(): Promise<void> {
    if (this.#process) return;
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.#dir,
        '--appendonly',
        this.#options.appendOnly === false ? 'no' : 'yes',
        '--save',
        '',
        '--maxmemory-policy',
        'noeviction',
        ...(this.#options.password ? ['--requirepass', this.#options.password] : []),
        ...(this.#options.args ?? []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.#process = child;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk;
        if (output.includes('Ready to accept connections')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited (${code}):\n${output}`)));
    });
  }

  /** SIGTERM: Redis flushes the AOF and exits, as a supervisor's restart does. */
  async stop(): Promise<void> {
    await this.#signal('SIGTERM');
  }

  /** SIGKILL: the server dies at once, as in a crash or an OOM kill; nothing is flushed. */
  async kill(): Promise<void> {
    await this.#signal('SIGKILL');
  }

  async #signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.#process;
    this.#process = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill(signal);
    });
  }

  async destroy(): Promise<void> {
    await this.stop();
    await rm(this.#dir, { recursive: true, force: true });
  }
}

const run = promisify(execFile);

/** What `CLUSTER NODES` says of one node. */
export interface ClusterNodeState {
  port: number;
  id: string;
  role: 'master' | 'replica';
  /** The master's id, for a replica. */
  masterId: string | null;
  /** Slot ranges `[from, to]` a master serves. */
  slots: Array<[number, number]>;
  failed: boolean;
}

export interface OwnRedisClusterOptions {
  masters?: number;
  replicasPerMaster?: number;
  /** `cluster-node-timeout` in ms: how long until a silent master is failed over; default 2000. */
  nodeTimeoutMs?: number;
}

/**
 * A Redis Cluster of the test's own: `masters` x (1 + `replicasPerMaster`) redis-servers on free
 * ports, each with its folder (AOF on, nodes.conf), joined by `redis-cli --cluster create`.
 */
export class OwnRedisCluster {
  readonly nodes: readonly OwnRedis[];

  private constructor(nodes: readonly OwnRedis[]) {
    this.nodes = nodes;
  }

  static async start(options: OwnRedisClusterOptions = {}): Promise<OwnRedisCluster> {
    const masters = options.masters ?? 3;
    const count = masters * (1 + (options.replicasPerMaster ?? 1));
    const args = [
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      'nodes.conf',
      '--cluster-node-timeout',
      String(options.nodeTimeoutMs ?? 2000),
      // A replica's first sync starts at once (Redis waits 5 s for more replicas by default); until
      // it is done the replica cannot take over.
      '--repl-diskless-sync-delay',
      '0',
    ];
    const nodes = await Promise.all(Array.from({ length: count }, () => OwnRedis.start({ args })));
    const cluster = new OwnRedisCluster(nodes);
    try {
      await run('redis-cli', [
        '--cluster',
        'create',
        ...nodes.map((node) => `127.0.0.1:${node.port}`),
        '--cluster-replicas',
        String(options.replicasPerMaster ?? 1),
        '--cluster-yes',
      ]);
      await cluster.waitUntilHealthy(masters, options.replicasPerMaster ?? 1);
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
    return cluster;
  }

  /** The pipeline's REDIS_URL for it: every node, so a client finds the cluster while one is down. */
  get url(): string {
    const [first, ...others] = this.nodes.map((node) => `127.0.0.1:${node.port}`);
    return `redis+cluster://${first}?nodes=${others.join(',')}`;
  }

  /** Runs redis-cli against one node (`-p`), returning its output. */
  async cli(port: number, ...command: string[]): Promise<string> {
    return (await run('redis-cli', ['-p', String(port), ...command])).stdout.trim();
  }

  /** The cluster as a running node sees it. */
  async state(): Promise<ClusterNodeState[]> {
    const running = this.nodes.find((node) => node.pid !== undefined);
    if (!running) throw new Error('no node of the cluster runs');
    const text = await this.cli(running.port, 'CLUSTER', 'NODES');
    return text.split('\n').map((line) => {
      const [id, address, flags, master, , , , , ...slots] = line.trim().split(' ');
      const flagSet = new Set((flags ?? '').split(','));
      return {
        port: Number((address ?? '').split('@')[0]?.split(':')[1]),
        id: id ?? '',
        role: flagSet.has('master') ? 'master' : 'replica',
        masterId: master && master !== '-' ? master : null,
        slots: slots
          .filter((range) => !range.startsWith('['))
          .map((range) => {
            const [from, to] = range.split('-').map(Number);
            return [from as number, (to ?? from) as number];
          }),
        failed: flagSet.has('fail') || flagSet.has('fail?'),
      };
    });
  }

  /** The node that serves a slot now (a master that has not failed). */
  async masterOf(slot: number): Promise<OwnRedis> {
    const master = (await this.state()).find(
      (node) =>
        node.role === 'master' && !node.failed && node.slots.some(([from, to]) => slot >= from && slot <= to),
    );
    const server = this.nodes.find((node) => node.port === master?.port);
    if (!server) throw new Error(`no master serves slot ${slot}`);
    return server;
  }

  /**
   * Waits until `masters` masters that have not failed serve slots, each with `replicas` replicas
   * that have not failed and are in sync (`master_link_status:up`), and every running node says
   * `cluster_state:ok`.
   */
  async waitUntilHealthy(masters = 3, replicas = 1, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const running = this.nodes.filter((node) => node.pid !== undefined);
      const infos = await Promise.all(
        running.map(async (node) =>
          [
            await this.cli(node.port, 'CLUSTER', 'INFO').catch(() => ''),
            await this.cli(node.port, 'INFO', 'replication').catch(() => ''),
          ].join('\n'),
        ),
      );
      const nodes = await this.state().catch(() => []);
      const serving = nodes.filter((node) => node.role === 'master' && !node.failed && node.slots.length > 0);
      const replicated = serving.filter(
        (master) =>
          nodes.filter((node) => node.masterId === master.id && !node.failed && node.role === 'replica')
            .length >= replicas,
      );
      const ok = infos.every(
        (info) =>
          info.includes('cluster_state:ok') &&
          (info.includes('role:master') || info.includes('master_link_status:up')),
      );
      if (ok && replicated.length === masters) return;
      if (Date.now() > deadline) throw new Error(`the Redis Cluster is not healthy after ${timeoutMs} ms`);
      await sleep(200);
    }
  }

  async destroy(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.destroy()));
  }
}
