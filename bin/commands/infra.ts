/**
 * `sluice infra up|down|status`: local Redis and Elasticsearch for development and CI.
 * `up` starts only what does not answer yet (and only for local URLs), `down` stops only what
 * `up` started, `status` says what runs where.
 */
import { Command } from 'commander';
import { elasticsearchLayout } from '../../infra/local/elasticsearch-distribution.ts';
import { isOurProcess, stopProcess } from '../../infra/local/processes.ts';
import {
  type InfraState,
  readState,
  type ServiceName,
  type StartedService,
  withService,
  writeState,
} from '../../infra/local/state-file.ts';
import type { Config } from '../../lib/config.ts';
import { ServiceError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { redactUrl } from '../../lib/logger.ts';
import { isLocalUrl } from '../../lib/net.ts';
import type { CommandContext } from '../command-context.ts';

interface ServiceDriver {
  name: ServiceName;
  label: string;
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
    url: (config) => config.redisUrl,
    probe: async (config) => (await (await probes()).probeRedis(config.redisUrl)).version,
    start: async (config, log) =>
      (await import('../../infra/local/local-redis.ts')).startLocalRedis(config, log),
    markers: (_config, service) => ['redis-server', `:${service.port}`],
  },
  {
    name: 'elasticsearch',
    label: 'Elasticsearch',
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

async function up(context: CommandContext): Promise<void> {
  const config = context.config();
  const log = context.logger();
  let state = liveState(config);
  for (const driver of DRIVERS) {
    const url = driver.url(config);
    const version = await driver.probe(config).catch(() => undefined);
    if (version) {
      log.info({ url: redactUrl(url), version }, `${driver.label} already answers.`);
      continue;
    }
    if (!isLocalUrl(url)) {
      throw new ServiceError(
        `${driver.name.toUpperCase() as 'REDIS' | 'ELASTICSEARCH'}_UNREACHABLE`,
        `${driver.label} does not answer at ${redactUrl(url)}; infra up only starts services for local URLs`,
      );
    }
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
