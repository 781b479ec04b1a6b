/** Starting a local Redis from the machine's redis-server, with its files in the cache dir. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../lib/config.ts';
import { ServiceError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { redisCommand, urlPort } from './launch-commands.ts';
import { waitFor } from './processes.ts';
import { probeRedis } from './service-probes.ts';
import type { StartedService } from './state-file.ts';
import { ensureCommand } from './system-packages.ts';

export async function startLocalRedis(config: Config, log: Logger): Promise<StartedService | undefined> {
  ensureCommand('redis-server', 'redis-server', log);
  // Debian's package starts its own service where an init system runs; then there is nothing to start.
  const existing = await probeRedis(config.redisUrl).catch(() => undefined);
  if (existing) return undefined;

  const port = urlPort(config.redisUrl, 6379);
  const dir = join(config.cacheDir, 'redis', String(port));
  mkdirSync(dir, { recursive: true });
  const pidFile = join(dir, 'redis.pid');
  const logFile = join(dir, 'redis.log');
  rmSync(pidFile, { force: true });
  const launch = redisCommand({ port, dir, pidFile, logFile });
  log.info({ port, dir, log: logFile }, 'Starting Redis.');
  const result = spawnSync(launch.command, launch.args, { stdio: 'ignore' });
  const facts = await waitFor(() => probeRedis(config.redisUrl), 10_000, 200).catch((error) => {
    throw new ServiceError(
      'REDIS_START_FAILED',
      `redis-server (exit code ${result.status}) does not answer: ${error.message}; see ${logFile}`,
      { retryable: false, cause: error },
    );
  });
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return { pid, port, version: facts.version, logFile, startedAt: new Date().toISOString() };
}
