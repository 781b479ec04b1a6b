/**
 * `sluice infra up|down|status`: local Redis and Elasticsearch for development and CI.
 * `up` starts only what does not answer yet (and only for local URLs), `down` stops only what
 * `up` started, `status` says what runs where.
 */
import { Command } from 'commander';
import { elasticsearchLayout } from '../../infra/local/elasticsearch-distribution.ts';
import { isOurProcess, portAccepts, stopProcess } from '../../infra/local/processes.ts';
import {
  type InfraState,
  readState,
  type ServiceName,
  type StartedService,
  withService,
  writeState,
} from '../../infra/local/state-file.ts';
import type { Config } from '../../lib/config.ts';
import { ServiceError, SluiceError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { redactUrl } from '../../lib/logger.ts';
import { isLocalUrl } from '../../lib/net.ts';
import { redisFailure } from '../../lib/service-failures.ts';
import type { CommandContext } from '../command-context.ts';

interface ServiceDriver {
  name: ServiceName;
  label: string;
  /** The setting that names its URL. */
  setting: 'REDIS_URL' | 'ELASTICSEARCH_URL';
  defaultPort: number;
  url(config: Config): string;
  /** The version of what answers at the URL; throws when nothing does. */
  probe(config: Config): Promise<string>;
  start(config: Config, log: Logger): Promise<StartedService | undefined>;
  /** Strings the command line of a process we started must contain. */
  markers(config: Config, service: StartedService): string[];
}

/** The clients are heavy to load; `sluice --help` should not pay for them. */
const probes = () => import('../../infra/local/service-probes.ts');

const DRIVERS: ServiceDriver[] = [
  {
    name: 'redis',
    label: 'Redis',
    setting: 'REDIS_URL',
    defaultPort: 6379,
    url: (config) => config.redisUrl,
    probe: async (config) => (await (await probes()).probeRedis(config.redisUrl)).version,
    start: async (config, log) =>
      (await import('../../infra/local/local-redis.ts')).startLocalRedis(config, log),
    markers: (_config, service) => ['redis-server', `:${service.port}`],
  },
  {
    name: 'elasticsearch',
    label: 'Elasticsearch',
    setting: 'ELASTICSEARCH_URL',
    defaultPort: 9200,
    url: (config) => config.elasticsearch.url,
    probe: async (config) => (await (await probes()).probeElasticsearch(config)).version,
    start: async (config, log) =>
      (await import('../../infra/local/local-elasticsearch.ts')).startLocalElasticsearch(config, log),
    markers: (config, service) => [elasticsearchLayout(config.cacheDir, service.version).home],
  },
];

/** The recorded services that still run, so a crashed or rebooted service is forgotten. */
function liveState(config: Config): InfraState {
  let state = readState(config.cacheDir);
  for (const driver of DRIVERS) {
    const service = state[driver.name];
    if (service && !isOurProcess(service.pid, driver.markers(config, service))) {
      state = withService(state, driver.name, undefined);
    }
  }
  return state;
}

/**
 * What `infra up` started that still runs, for `start` to say on stopping that it is left running
 * (issue 16): `Left running: Redis, Elasticsearch; \`sluice infra down\` stops them.`
 */
export function reportLeftRunning(config: Config, log: Logger): void {
  const state = liveState(config);
  const running = DRIVERS.filter((driver) => state[driver.name]);
  if (running.length === 0) return;
  const fields = Object.fromEntries(
    running.map((driver) => [driver.name, { pid: state[driver.name]?.pid, port: state[driver.name]?.port }]),
  );
  const them = running.length === 1 ? 'it' : 'them';
  log.info(
    fields,
    `Left running: ${running.map((driver) => driver.label).join(', ')}; \`sluice infra down\` stops ${them}.`,
  );
}

async function up(context: CommandContext): Promise<void> {
  const config = context.config();
  const log = context.logger();
  let state = liveState(config);
  for (const driver of DRIVERS) {
    const url = driver.url(config);
    const probed = await driver.probe(config).then(
      (version) => ({ version, error: undefined }),
      (error: unknown) => ({ version: undefined, error }),
    );
    if (probed.version) {
      log.info({ url: redactUrl(url), version: probed.version }, `${driver.label} already answers.`);
      continue;
    }
    if (!isLocalUrl(url)) {
      throw new ServiceError(
        `${driver.name.toUpperCase() as 'REDIS' | 'ELASTICSEARCH'}_UNREACHABLE`,
        `${driver.label} does not answer at ${redactUrl(url)}; infra up only starts services for local URLs`,
      );
    }
    await refuseTakenPort(driver, url, probed.error);
    const started = await driver.start(config, log);
    if (started) {
      state = withService(state, driver.name, started);
      writeState(config.cacheDir, state);
      log.info(
        { url: redactUrl(url), version: started.version, servicePid: started.pid },
        `${driver.label} is up.`,
      );
    }
  }
  writeState(config.cacheDir, state);
  await status(context);
}

/**
 * Something accepts connections at the URL but is not a usable service there (a wrong password,
 * another program): starting a second server on that port can only fail, slowly (issue 16).
 */
async function refuseTakenPort(driver: ServiceDriver, url: string, probeError: unknown): Promise<void> {
  const { hostname, port } = new URL(url);
  if (!(await portAccepts(hostname, Number(port || driver.defaultPort)))) return;
  const cause = probeError instanceof SluiceError ? probeError.cause : probeError;
  const refused = driver.name === 'redis' ? redisFailure(cause, url) : undefined;
  if (refused?.code === 'REDIS_AUTH_FAILED') throw refused;
  const reason = probeError instanceof Error ? probeError.message : String(probeError);
  throw new ServiceError(
    `${driver.name.toUpperCase() as 'REDIS' | 'ELASTICSEARCH'}_START_FAILED`,
    `${driver.label} at ${redactUrl(url)} is taken by something that does not answer as ${driver.label} should (${reason}); not starting a second one on its port: check ${driver.setting}`,
    { retryable: false },
  );
}

async function down(context: CommandContext): Promise<void> {
  const config = context.config();
  const log = context.logger();
  let state = liveState(config);
  for (const driver of DRIVERS) {
    const service = state[driver.name];
    if (!service) {
      log.info(`${driver.label} was not started by sluice infra up; leaving it alone.`);
      continue;
    }
    log.info({ servicePid: service.pid }, `Stopping ${driver.label}.`);
    await stopProcess(service.pid);
    state = withService(state, driver.name, undefined);
    writeState(config.cacheDir, state);
  }
}

async function status(context: CommandContext): Promise<void> {
  const config = context.config();
  const state = liveState(config);
  for (const driver of DRIVERS) {
    const url = redactUrl(driver.url(config));
    const version = await driver.probe(config).catch(() => undefined);
    const service = state[driver.name];
    const owner = service
      ? `started by sluice infra up (pid ${service.pid}, log ${service.logFile})`
      : 'not started by sluice';
    const line = version ? `up, version ${version}, ${owner}` : 'not answering';
    context.out.write(`${driver.label.padEnd(14)} ${url.padEnd(24)} ${line}\n`);
  }
}

export function command(context: CommandContext): Command {
  const infra = new Command('infra').description('Local Redis and Elasticsearch for development and CI.');
  infra
    .command('up')
    .description(
      'Make sure Redis and Elasticsearch answer at the configured URLs, starting local ones if needed.',
    )
    .action(() => up(context));
  infra
    .command('down')
    .description('Stop the services that `infra up` started (and nothing else).')
    .action(() => down(context));
  infra
    .command('status')
    .description('Say what answers at the configured URLs, its version, and who started it.')
    .action(() => status(context));
  return infra;
}
