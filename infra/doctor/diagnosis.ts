/**
 * Turning what the probes found into verdicts with fix hints, and printing them. Pure: the probes
 * run in doctor-command.ts.
 */
import type { ElasticsearchFacts, KibanaFacts, RedisFacts } from '../local/service-probes.ts';

export type Verdict = 'ok' | 'warn' | 'fail';

export interface Finding {
  service: 'Redis' | 'Elasticsearch' | 'Kibana';
  verdict: Verdict;
  /** One line: what was found. */
  summary: string;
  /** What to do about it; empty when all is well. */
  fixes: string[];
}

/** A probe's outcome: the facts, or why there were none. */
export type Probed<T> = { facts: T } | { error: string };

const INFRA_UP = 'start the local services with `npm run -s sluice -- infra up`';

function unreachable(service: Finding['service'], variable: string, local: boolean, error: string): Finding {
  return {
    service,
    verdict: 'fail',
    summary: error,
    fixes: local
      ? [`${INFRA_UP}, or point ${variable} at a running server`]
      : [`check ${variable} and that the server is reachable from this machine`],
  };
}

export function diagnoseRedis(probed: Probed<RedisFacts>, url: string, local: boolean): Finding {
  if ('error' in probed) return unreachable('Redis', 'REDIS_URL', local, probed.error);
  const { version, maxmemoryPolicy, appendOnly } = probed.facts;
  const fixes: string[] = [];
  if (maxmemoryPolicy !== 'noeviction') {
    fixes.push(
      `maxmemory-policy is ${maxmemoryPolicy}: Redis may evict queue keys and lose jobs; ` +
        'set `maxmemory-policy noeviction` (redis-cli CONFIG SET maxmemory-policy noeviction, and in redis.conf)',
    );
  }
  if (!appendOnly) {
    fixes.push(
      'AOF persistence is off: queued jobs are lost when Redis restarts; ' +
        'set `appendonly yes` (redis-cli CONFIG SET appendonly yes, and in redis.conf)',
    );
  }
  return {
    service: 'Redis',
    verdict: fixes.length ? 'warn' : 'ok',
    summary: `${version} at ${url} (maxmemory-policy ${maxmemoryPolicy}, AOF ${appendOnly ? 'on' : 'off'})`,
    fixes,
  };
}

export interface ElasticsearchObservation extends ElasticsearchFacts {
  /** Whether the `english` analyzer exists; the index template uses it. */
  englishAnalyzer: boolean;
}

export function diagnoseElasticsearch(
  probed: Probed<ElasticsearchObservation>,
  url: string,
  local: boolean,
): Finding {
  if ('error' in probed) return unreachable('Elasticsearch', 'ELASTICSEARCH_URL', local, probed.error);
  const { version, health, nodes, clusterName, englishAnalyzer } = probed.facts;
  const fixes: string[] = [];
  let verdict: Verdict = 'ok';
  if (health === 'red') {
    verdict = 'fail';
    fixes.push(
      'cluster health is red: some primary shards are unassigned; see GET _cluster/allocation/explain',
    );
  }
  if (!englishAnalyzer) {
    if (verdict === 'ok') verdict = 'warn';
    fixes.push(
      'the `english` analyzer is missing (no analysis-common module): ' +
        'use the node `infra up` starts (it adds one) or the official image',
    );
  }
  const note =
    health === 'yellow' && nodes === 1 ? ', yellow is normal for one node: replicas have nowhere to go' : '';
  return {
    service: 'Elasticsearch',
    verdict,
    summary: `${version} at ${url}, cluster ${clusterName} ${health} with ${nodes} node${nodes === 1 ? '' : 's'}${note}`,
    fixes,
  };
}

export function diagnoseKibana(probed: Probed<KibanaFacts>, url: string): Finding {
  if ('error' in probed) {
    return {
      service: 'Kibana',
      verdict: 'fail',
      summary: probed.error,
      fixes: ['check KIBANA_URL, or unset it to run without Kibana'],
    };
  }
  const { version, level } = probed.facts;
  const available = level === 'available';
  return {
    service: 'Kibana',
    verdict: available ? 'ok' : 'warn',
    summary: `${version} at ${url}, status ${level}`,
    fixes: available ? [] : ['Kibana is not fully available; see its log and GET /api/status'],
  };
}

const MARK: Record<Verdict, string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' };

export function formatFindings(findings: Finding[]): string {
  return findings
    .map((finding) => {
      const head = `${MARK[finding.verdict]} ${finding.service.padEnd(13)} ${finding.summary}`;
      return [head, ...finding.fixes.map((fix) => `     fix: ${fix}`)].join('\n');
    })
    .join('\n')
    .concat('\n');
}

/** Non-zero when anything failed; warnings alone keep the exit code 0. */
export function exitCodeFor(findings: Finding[]): number {
  return findings.some((finding) => finding.verdict === 'fail') ? 1 : 0;
}

/** Replaces every secret value that could have slipped into an error message. */
export function scrubSecrets(text: string, secrets: Array<string | undefined>): string {
  return secrets.reduce<string>(
    (scrubbed, secret) => (secret && secret.length >= 3 ? scrubbed.replaceAll(secret, '***') : scrubbed),
    text,
  );
}
