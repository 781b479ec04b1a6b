/**
 * Runs once before the suite: integration tests need the real Redis and Elasticsearch, and a
 * missing service should stop the run with one clear line instead of hundreds of time-outs.
 */
import { probeElasticsearch, probeRedis } from '../infra/local/service-probes.ts';
import { loadConfig } from '../lib/config.ts';

export default async function checkServices(): Promise<void> {
  const config = loadConfig();
  const problems = await Promise.all([
    probeRedis(config.redisUrl).then(
      () => undefined,
      (error: Error) => error.message,
    ),
    probeElasticsearch(config).then(
      () => undefined,
      (error: Error) => error.message,
    ),
  ]);
  const missing = problems.filter((problem) => problem !== undefined);
  if (missing.length) {
    throw new Error(
      `${missing.join('\n')}\nThe tests need both services: run \`npm run -s sluice -- infra up\` first.`,
    );
  }
}
