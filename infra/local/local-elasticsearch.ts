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
import { elasticsearchCommand, heapMegabytes, urlPort } from './launch-commands.ts';
import { isOurProcess, waitFor } from './processes.ts';
import { probeElasticsearch } from './service-probes.ts';
import { readState, type StartedService } from './state-file.ts';
import { ensureCommand } from './system-packages.ts';
import { downloadVerified, expectedDigest } from './verified-download.ts';

/** How long a started node may take to report green or yellow health. */
const HEALTH_TIMEOUT_MS = 180_000;

export async function startLocalElasticsearch(config: Config, log: Logger): Promise<StartedService> {
  const version = ELASTICSEARCH_VERSION;
  const layout = elasticsearchLayout(config.cacheDir, version);
  refuseSecondNode(config, layout);
  const java = findJavaHome(MINIMUM_JAVA_MAJOR);
  await install(layout, version, log);
  if (!pluginInstalled(layout.home)) {
    log.info({ javaHome: java.path }, 'Building the dev shims plugin (english analyzer, GET /).');
    installDevShimsPlugin(layout.home, version, java.path);
  }

  const port = urlPort(config.elasticsearch.url, 9200);
  const heap = heapMegabytes(totalmem());
  const launch = elasticsearchCommand({
    layout,
    port,
    javaHome: java.path,
    heapMegabytes: heap,
    runningAsRoot: process.getuid?.() === 0,
  });
  mkdirSync(layout.logs, { recursive: true });
  mkdirSync(layout.data, { recursive: true });
  rmSync(layout.pidFile, { force: true });
  const nodeLog = join(layout.logs, 'sluice-local.log');
  log.info({ version, port, heapMegabytes: heap, java: java.major, log: nodeLog }, 'Starting Elasticsearch.');

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
  const facts = await waitFor(() => probeElasticsearch(config).then(healthy), HEALTH_TIMEOUT_MS).catch(
    (error) => {
      throw new ServiceError(
        'ELASTICSEARCH_START_FAILED',
        `Elasticsearch (pid ${pid}) is not healthy after ${HEALTH_TIMEOUT_MS / 1000} s: ${error.message}; see ${nodeLog}`,
        { retryable: false, cause: error },
      );
    },
  );
  return { pid, port, version: facts.version, logFile: nodeLog, startedAt: new Date().toISOString() };
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

function healthy<T extends { health: string }>(facts: T): T {
  if (facts.health === 'red') throw new Error('cluster health is red');
  return facts;
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
