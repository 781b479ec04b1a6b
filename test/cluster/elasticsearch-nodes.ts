/**
 * A cluster of Elasticsearch nodes of the test's own, from the local distribution in
 * SLUICE_CACHE_DIR (what `sluice infra up` runs), started by the same launcher
 * (infra/local/local-elasticsearch.ts): each node on loopback with free HTTP and transport
 * ports, a small heap, and its data and logs in a temporary folder; security as the local node has
 * it (off). A node can be killed and started again on the same data.
 */
import { readlinkSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@elastic/elasticsearch';
import {
  ELASTICSEARCH_VERSION,
  elasticsearchLayout,
  nodeFilesIn,
} from '../../infra/local/elasticsearch-distribution.ts';
import {
  type ElasticsearchNode,
  type PreparedElasticsearch,
  prepareElasticsearch,
  startElasticsearchNodes,
} from '../../infra/local/local-elasticsearch.ts';
import { isAlive, isOurProcess } from '../../infra/local/processes.ts';
import { loadConfig } from '../../lib/config.ts';
import { createLogger } from '../../lib/logger.ts';
import { freePort } from '../own-services.ts';

export interface ElasticsearchNodesOptions {
  nodes?: number;
  /** Heap of each node; default 512 MB (three nodes and the pipeline share 2 cores and the tests). */
  heapMegabytes?: number;
}

const log = createLogger({ level: 'warn' });

export class ElasticsearchNodes {
  readonly #dir: string;
  readonly #nodes: ElasticsearchNode[];
  readonly #distribution: PreparedElasticsearch;
  readonly #pids: Array<number | undefined>;

  private constructor(dir: string, nodes: ElasticsearchNode[], distribution: PreparedElasticsearch) {
    this.#dir = dir;
    this.#nodes = nodes;
    this.#distribution = distribution;
    this.#pids = nodes.map(() => undefined);
  }

  /** Picks the ports and folders (nothing runs yet: `start()`; `destroy()` whatever happens). */
  static async create(options: ElasticsearchNodesOptions = {}): Promise<ElasticsearchNodes> {
    const count = options.nodes ?? 3;
    const { cacheDir } = loadConfig();
    const distribution = await prepareElasticsearch(cacheDir, log);
    const dir = await mkdtemp(join(tmpdir(), 'sluice-es-cluster-'));
    const ports: number[] = [];
    // Asked of the OS one after another while each is still unbound: keep them distinct.
    while (ports.length < 2 * count) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    const names = Array.from({ length: count }, (_, i) => `node-${i + 1}`);
    const transportPorts = ports.slice(count);
    const home = elasticsearchLayout(cacheDir, ELASTICSEARCH_VERSION);
    const nodes = names.map((nodeName, i) => ({
      layout: nodeFilesIn(home, join(dir, nodeName)),
      port: ports[i] as number,
      heapMegabytes: options.heapMegabytes ?? 512,
      cluster: {
        name: `sluice-test-${dir.slice(-6).toLowerCase()}`,
        nodeName,
        transportPort: transportPorts[i] as number,
        seedPorts: transportPorts,
        initialMasterNodes: names,
      },
    }));
    return new ElasticsearchNodes(dir, nodes, distribution);
  }

  /** Each node's HTTP URL, in node order. */
  get urls(): string[] {
    return this.#nodes.map((node) => `http://127.0.0.1:${node.port}`);
  }

  get names(): string[] {
    return this.#nodes.map((node) => node.cluster?.nodeName as string);
  }

  /** Starts every node and waits until they form one cluster (green or yellow). */
  async start(): Promise<void> {
    const started = await startElasticsearchNodes(this.#distribution, this.#nodes, log);
    started.forEach((node, i) => {
      this.#pids[i] = node.pid;
    });
  }

  /** SIGKILL: the node vanishes as with a power cut, its connections reset. */
  async kill(name: string): Promise<void> {
    const i = this.names.indexOf(name);
    const pid = this.#pids[i];
    if (pid === undefined || !this.#runs(pid)) throw new Error(`${name} does not run`);
    process.kill(pid, 'SIGKILL');
    this.#pids[i] = undefined;
    while (isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  /** Starts a killed node again on its data; resolves once it is back in the cluster. */
  async restart(name: string): Promise<void> {
    const i = this.names.indexOf(name);
    const node = this.#nodes[i] as ElasticsearchNode;
    // The cluster has formed: the node only joins it again (no second bootstrap).
    const cluster = { ...(node.cluster as NonNullable<ElasticsearchNode['cluster']>) };
    delete cluster.initialMasterNodes;
    const [started] = await startElasticsearchNodes(this.#distribution, [{ ...node, cluster }], log);
    this.#pids[i] = started?.pid;
  }

  /** A client of every node (the caller closes it). */
  client(): Client {
    return new Client({ nodes: this.urls, requestTimeout: 60_000 });
  }

  /**
   * True when `pid` is a node of these: the distribution's JVM, working in a node's logs folder (the
   * server gets its settings on stdin, so its command line names only the shared distribution).
   */
  #runs(pid: number): boolean {
    if (!isOurProcess(pid, [this.#distribution.home])) return false;
    try {
      return readlinkSync(`/proc/${pid}/cwd`).startsWith(`${this.#dir}/`);
    } catch {
      return false;
    }
  }

  /** Kills every node still running (also those of a failed start) and deletes their data. */
  async destroy(): Promise<void> {
    for (const [i, node] of this.#nodes.entries()) {
      const pid = this.#pids[i] ?? (await readPid(node.layout.pidFile));
      if (pid !== undefined && this.#runs(pid)) {
        process.kill(pid, 'SIGKILL');
        while (isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    await rm(this.#dir, { recursive: true, force: true });
  }
}

async function readPid(file: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trim() ? Number(text.trim()) : undefined;
}
