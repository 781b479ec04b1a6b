/**
 * Starting the local single-node Elasticsearch: download (once), extract (once), build the dev
 * shims plugin (once), start, wait for health. Everything lives in the cache dir, so a second
 * start only pays for the JVM.
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import type { Config } from '../../lib/config.ts';
import { ServiceError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { installDevShimsPlugin, pluginInstalled } from './dev-shims-plugin.ts';
import {
  distributionUrl,
  ELASTICSEARCH_VERSION,
  type ElasticsearchLayout,
  elasticsearchLayout,
  MINIMUM_JAVA_MAJOR,
} from './elasticsearch-distribution.ts';
import { findJavaHome } from './java-home.ts';
import {
  type ElasticsearchLaunchOptions,
  elasticsearchCommand,
  heapMegabytes,
  urlPort,
} from './launch-commands.ts';
import { isOurProcess, waitFor } from './processes.ts';
import { probeElasticsearch } from './service-probes.ts';
import { readState, type StartedService } from './state-file.ts';
import { ensureCommand } from './system-packages.ts';
import { downloadVerified, expectedDigest } from './verified-download.ts';

/** How long started nodes may take to form their cluster and report green or yellow health. */
const HEALTH_TIMEOUT_MS = 180_000;

export async function startLocalElasticsearch(config: Config, log: Logger): Promise<StartedService> {
  const layout = elasticsearchLayout(config.cacheDir, ELASTICSEARCH_VERSION);
  refuseSecondNode(config, layout);
  const distribution = await prepareElasticsearch(config.cacheDir, log);
  const port = urlPort(config.elasticsearch.url, 9200);
  const [started] = await startElasticsearchNodes(
    distribution,
    [{ layout, port, heapMegabytes: heapMegabytes(totalmem()) }],
    log,
  );
  return started as StartedService;
}

/** The distribution, installed with its plugin, and the JDK that runs it. */
export interface PreparedElasticsearch {
  version: string;
  /** ES_HOME, which every node's command line names. */
  home: string;
  java: { path: string; major: number };
}

/** Downloads, extracts and builds the plugin, each only once per cache dir. */
export async function prepareElasticsearch(cacheDir: string, log: Logger): Promise<PreparedElasticsearch> {
  const version = ELASTICSEARCH_VERSION;
  const layout = elasticsearchLayout(cacheDir, version);
  const java = findJavaHome(MINIMUM_JAVA_MAJOR);
  await install(layout, version, log);
  if (!pluginInstalled(layout.home)) {
    log.info({ javaHome: java.path }, 'Building the dev shims plugin (english analyzer, GET /).');
    installDevShimsPlugin(layout.home, version, java.path);
  }
  return { version, home: layout.home, java };
}

/** One node to start: its files, HTTP port, heap, and the cluster it joins (none: a single node). */
export type ElasticsearchNode = Pick<
  ElasticsearchLaunchOptions,
  'layout' | 'port' | 'heapMegabytes' | 'cluster'
>;

/**
 * Starts the nodes of one cluster at once (the first master is elected only once enough of them
 * run), then waits until every one of them is in the cluster and its health is not red. One node
 * without `cluster` is the local single node; a node of a formed cluster may be started alone again.
 */
export async function startElasticsearchNodes(
  distribution: PreparedElasticsearch,
  nodes: readonly ElasticsearchNode[],
  log: Logger,
): Promise<StartedService[]> {
  const started = await Promise.all(nodes.map((node) => startNode(distribution, node, log)));
  const urls = nodes.map((node) => `http://127.0.0.1:${node.port}`);
  const members = (nodes[0]?.cluster?.seedPorts.length ?? 1) as number;
  const pids = started.map((node) => node.pid).join(', ');
  const facts = await waitFor(
    () =>
      probeElasticsearch({ elasticsearch: { url: urls[0] as string, nodes: urls } }).then(formed(members)),
    HEALTH_TIMEOUT_MS,
  ).catch((error) => {
    throw new ServiceError(
      'ELASTICSEARCH_START_FAILED',
      `Elasticsearch (pid ${pids}) is not healthy after ${HEALTH_TIMEOUT_MS / 1000} s: ${error.message}; see ${started.map((node) => node.logFile).join(', ')}`,
      { retryable: false, cause: error },
    );
  });
  return started.map((node) => ({ ...node, version: facts.version, startedAt: new Date().toISOString() }));
}

async function startNode(
  distribution: PreparedElasticsearch,
  node: ElasticsearchNode,
  log: Logger,
): Promise<StartedService> {
  const { layout, port } = node;
  const launch = elasticsearchCommand({
    ...node,
    javaHome: distribution.java.path,
    runningAsRoot: process.getuid?.() === 0,
  });
  mkdirSync(layout.logs, { recursive: true });
  mkdirSync(layout.data, { recursive: true });
  rmSync(layout.pidFile, { force: true });
  // Elasticsearch names its log after the cluster.
  const nodeLog = join(layout.logs, `${node.cluster?.name ?? 'sluice-local'}.log`);
  const { version, java } = distribution;
  log.info(
    {
      version,
      port,
      heapMegabytes: node.heapMegabytes,
      java: java.major,
      node: node.cluster?.nodeName,
      log: nodeLog,
    },
    'Starting Elasticsearch.',
  );
  const exitCode = await runDetaching(
    launch.command,
    launch.args,
    { ...process.env, ...launch.env },
    layout.startupLog,
  );
  if (exitCode !== 0 || !existsSync(layout.pidFile)) {
    throw new ServiceError(
      'ELASTICSEARCH_START_FAILED',
      `Elasticsearch did not start (exit code ${exitCode}); see ${layout.startupLog} and ${nodeLog}`,
      { retryable: false },
    );
  }
  const pid = Number(readFileSync(layout.pidFile, 'utf8').trim());
  return { pid, port, version, logFile: nodeLog, startedAt: new Date().toISOString() };
}

/**
 * One data folder, one node: a node of this cache dir that runs on another port (a typo in
 * ELASTICSEARCH_URL) holds the folder's lock, so a second one could only fail, after a JVM start,
 * and its start-up would remove the running node's pid file (issue 16).
 */
function refuseSecondNode(config: Config, layout: ElasticsearchLayout): void {
  const recorded = readState(config.cacheDir).elasticsearch;
  const written = existsSync(layout.pidFile)
    ? Number(readFileSync(layout.pidFile, 'utf8').trim())
    : undefined;
  const pids = [written, recorded?.pid];
  const running = pids.find((pid) => pid && isOurProcess(pid, [layout.home]));
  if (!running) return;
  const port = recorded?.pid === running ? recorded.port : undefined;
  const where = port ? `on port ${port}` : 'on another port';
  throw new ServiceError(
    'ELASTICSEARCH_START_FAILED',
    `The local Elasticsearch of SLUICE_CACHE_DIR already runs (pid ${running}, ${where}), not on ${urlPort(config.elasticsearch.url, 9200)}: ` +
      `fix ELASTICSEARCH_URL${port ? ` (http://127.0.0.1:${port})` : ''}, or stop that node with \`sluice infra down\` first`,
    { retryable: false },
  );
}

/** Passes the facts of a cluster of `members` nodes, all joined and not red; throws otherwise. */
function formed(members: number) {
  return <T extends { health: string; nodes: number }>(facts: T): T => {
    if (facts.nodes < members) throw new Error(`${facts.nodes} of ${members} nodes in the cluster`);
    if (facts.health === 'red') throw new Error('cluster health is red');
    return facts;
  };
}

/** Download and extract, each only when its result is missing. */
async function install(layout: ElasticsearchLayout, version: string, log: Logger): Promise<void> {
  if (existsSync(join(layout.home, 'bin', 'elasticsearch'))) return;
  if (!existsSync(layout.zip)) {
    const url = distributionUrl(version);
    log.info({ url }, `Downloading Elasticsearch ${version} from Maven Central.`);
    await downloadVerified(url, layout.zip, await expectedDigest(version), log);
  }
  ensureCommand('unzip', 'unzip', log);
  log.info({ home: layout.home }, 'Extracting Elasticsearch.');
  // Extract beside the target and rename, so an interrupted extraction is never taken for an install.
  const versionDir = dirname(layout.home);
  const staging = `${versionDir}.extracting`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  execFileSync('unzip', ['-q', layout.zip, '-d', staging]);
  rmSync(versionDir, { recursive: true, force: true });
  renameSync(staging, versionDir);
}

/** Runs `bin/elasticsearch -d`, which returns once the node has started or failed. */
function runDetaching(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logFile: string,
): Promise<number> {
  mkdirSync(dirname(logFile), { recursive: true });
  const out = openSync(logFile, 'w');
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', out, out], detached: true });
    child.on('error', reject);
    child.on('exit', (code) => {
      closeSync(out);
      resolve(code ?? 1);
    });
  });
}
