/**
 * What the fault tests share: the whole pipeline in this process (folder watcher and workers) on
 * a test pipeline, a TCP proxy that can make Elasticsearch unreachable for one test only, a Redis
 * of the test's own (AOF on) that can be restarted (test/own-redis.ts), and the final audit every
 * test ends with.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { expect } from 'vitest';
import { auditPipeline } from '../../infra/audit/audit.ts';
import type { AuditReport } from '../../infra/audit/reconcile.ts';
import type { Config } from '../../lib/config.ts';
import { pipelinePrefix } from '../../lib/keys.ts';
import { createLogger } from '../../lib/logger.ts';
import { NearDuplicateIndex } from '../../workers/dedupe/near-duplicate-index.ts';
import { eventually } from '../eventually.ts';
import { freePort } from '../own-redis.ts';
import type { TestPipeline } from '../pipeline-harness.ts';

export { freePort, OwnRedis } from '../own-redis.ts';

export const AGGREGATOR_PAGES = new URL('../../../shared/data/aggregator-pages/pages/', import.meta.url);
export const ARTICLE_BENCH_PAGES = new URL('../../../shared/data/article-bench/pages/', import.meta.url);

export const silentLogger = createLogger({ level: 'silent' });

/** Waits until nothing is waiting or in flight (auditing every `everyMs`), then returns the audit. */
export async function auditWhenSettled(
  config: Config,
  timeoutMs = 60_000,
  everyMs = 500,
): Promise<AuditReport> {
  return eventually(
    async () => {
      const report = await auditPipeline(config);
      return report.settled ? report : undefined;
    },
    timeoutMs,
    everyMs,
  );
}

/**
 * Asserts the audit balances (every done file has exactly one sighting per article), and that
 * every article the dedupe stage claimed has exactly one document: nothing lost, nothing doubled.
 */
export async function expectBalanced(p: TestPipeline, report: AuditReport): Promise<void> {
  expect(report.problems).toEqual([]);
  expect(report.balanced).toBe(true);
  const claims = new NearDuplicateIndex(p.redis, { prefix: pipelinePrefix(p.config) });
  expect(report.index.documents).toBe((await claims.memoryUsage()).articles);
}

/**
 * A TCP proxy to `target` on a port of its own. `stop()` closes the port and cuts every open
 * connection (clients get "connection refused" as from a stopped node); `start()` opens it again.
 */
export class TcpProxy {
  readonly port: number;
  readonly #target: { host: string; port: number };
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;

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
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.#server = server;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  }
}
