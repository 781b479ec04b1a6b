/**
 * `auditPipeline`: opens what the audit reads (Redis, the queues, Elasticsearch) for one
 * pipeline, gathers the facts, reconciles them and closes everything. Used by `sluice audit`
 * and by the tests that end with an audit.
 */
import type { Redis } from 'ioredis';
import type { Config } from '../../lib/config.ts';
import { createElasticsearch, createRedis, queuePrefix } from '../../lib/connections.ts';
import { FileLedger } from '../../lib/file-ledger.ts';
import { closeQueues, openQueues } from '../../lib/queues.ts';
import { gatherFacts } from './audit-facts.ts';
import { type AuditReport, reconcile } from './reconcile.ts';

export async function auditPipeline(
  config: Pick<Config, 'redisUrl' | 'queuePrefix' | 'inbox' | 'index' | 'elasticsearch'>,
): Promise<AuditReport> {
  const prefix = queuePrefix(config);
  const redis = createRedis(config.redisUrl, { name: 'sluice-audit' });
  const queues = openQueues(redis, prefix);
  const elasticsearch = createElasticsearch(config);
  try {
    await connected(redis);
    const facts = await gatherFacts({
      inbox: config.inbox,
      redis,
      ledger: new FileLedger(redis, { prefix }),
      queues,
      elasticsearch,
      index: config.index,
    });
    return reconcile(facts);
  } finally {
    await closeQueues(queues);
    redis.disconnect();
    await elasticsearch.close();
  }
}

/** A fail-fast connection refuses commands until it is ready; the audit waits for it (or its error). */
async function connected(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    redis.once('ready', resolve);
    redis.once('error', reject);
  });
}
