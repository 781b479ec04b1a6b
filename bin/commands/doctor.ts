/** `sluice doctor`: is every service Sluice needs there and set up right? Exit code 1 when not. */
import { Command } from 'commander';
import {
  diagnoseElasticsearch,
  diagnoseKibana,
  diagnoseRedis,
  exitCodeFor,
  type Finding,
  formatFindings,
  type Probed,
  scrubSecrets,
} from '../../infra/doctor/diagnosis.ts';
import type { Config } from '../../lib/config.ts';
import { redactUrl } from '../../lib/logger.ts';
import { isLocalUrl } from '../../lib/net.ts';
import type { CommandContext } from '../command-context.ts';

async function probed<T>(probe: () => Promise<T>, secrets: Array<string | undefined>): Promise<Probed<T>> {
  try {
    return { facts: await probe() };
  } catch (error) {
    return { error: scrubSecrets(error instanceof Error ? error.message : String(error), secrets) };
  }
}

/** Values that must never be printed, whatever a client library puts in its error messages. */
function secretsOf(config: Config): Array<string | undefined> {
  const urlPasswords = [config.redisUrl, config.elasticsearch.url, config.kibanaUrl].map((value) =>
    value ? decodeURIComponent(new URL(value).password) || undefined : undefined,
  );
  return [config.elasticsearch.password, config.elasticsearch.apiKey, config.http.token, ...urlPasswords];
}

export async function diagnose(config: Config): Promise<Finding[]> {
  const { probeRedis, probeElasticsearch, probeKibana } = await import('../../infra/local/service-probes.ts');
  const { hasAnalyzer } = await import('../../infra/local/analysis-features.ts');
  const { createElasticsearch } = await import('../../lib/connections.ts');
  const secrets = secretsOf(config);

  const redis = await probed(() => probeRedis(config.redisUrl), secrets);
  const elasticsearch = await probed(async () => {
    const facts = await probeElasticsearch(config);
    const client = createElasticsearch(config);
    try {
      return { ...facts, englishAnalyzer: await hasAnalyzer(client, 'english') };
    } finally {
      await client.close();
    }
  }, secrets);
  const findings = [
    diagnoseRedis(redis, redactUrl(config.redisUrl), isLocalUrl(config.redisUrl)),
    diagnoseElasticsearch(
      elasticsearch,
      redactUrl(config.elasticsearch.url),
      isLocalUrl(config.elasticsearch.url),
    ),
  ];
  if (config.kibanaUrl) {
    const kibanaUrl = config.kibanaUrl;
    findings.push(diagnoseKibana(await probed(() => probeKibana(kibanaUrl), secrets), redactUrl(kibanaUrl)));
  }
  return findings;
}

export function command(context: CommandContext): Command {
  return new Command('doctor')
    .description(
      'Check Redis, Elasticsearch and (when KIBANA_URL is set) Kibana, with a fix for each problem.',
    )
    .action(async () => {
      const findings = await diagnose(context.config());
      context.out.write(formatFindings(findings));
      process.exitCode = exitCodeFor(findings);
    });
}
