/**
 * Services of a test's (or a CI step's) own, on free ports: a TCP proxy to a real service that can
 * cut it off, and a redis-server with its data in a temporary folder that can be stopped and
 * started again. Plain Node: no vitest here, so scripts outside the runner use it too.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
    const child = this.#process;
    this.#process = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  }

  async destroy(): Promise<void> {
    await this.stop();
    await rm(this.#dir, { recursive: true, force: true });
  }
}
