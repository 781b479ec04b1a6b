/**
 * `auditPipeline`: opens what the audit reads (Redis, the queues, Elasticsearch) for one
 * pipeline, gathers the facts, reconciles them and closes everything. Used by `sluice audit`
 * and by the tests that end with an audit.
 */
import type { Config } from '../../lib/config.ts';
import { createElasticsearch, createRedisClient, type RedisClient } from '../../lib/connections.ts';
import { ServiceError } from '../../lib/errors.ts';
import { FileLedger } from '../../lib/file-ledger.ts';
import { partitionPrefixes } from '../../lib/keys.ts';
import { redactUrl } from '../../lib/logger.ts';
import { openFileQueues, type PartitionedQueues } from '../../lib/queues.ts';
import { gatherFacts } from './audit-facts.ts';
import { type AuditReport, reconcile } from './reconcile.ts';

export async function auditPipeline(
  config: Pick<
    Config,
    'redisUrl' | 'queuePrefix' | 'partitions' | 'inbox' | 'index' | 'elasticsearch' | 'dedupWindowMs'
  >,
): Promise<AuditReport> {
  // Every partition's queue and ledger (SLUICE_PARTITIONS): the audit must see all of them.
  const prefixes = partitionPrefixes(config);
  const redis = createRedisClient(config.redisUrl, { name: 'sluice-audit' });
  const elasticsearch = createElasticsearch(config);
  let queues: PartitionedQueues | undefined;
  try {
    await connected(redis).catch((error: Error) => {
      throw new ServiceError(
        'REDIS_UNAVAILABLE',
        `Redis at ${redactUrl(config.redisUrl)} does not answer: ${error.message}`,
        { cause: error },
      );
    });
    await elasticsearch.ping().catch((error: Error) => {
      throw new ServiceError(
        'ELASTICSEARCH_UNAVAILABLE',
        `Elasticsearch at ${redactUrl(config.elasticsearch.url)} does not answer: ${error.message}`,
        { cause: error },
      );
    });
    // Opened once Redis answers: a queue on a dead connection re-emits its errors where nobody listens.
    queues = openFileQueues(redis, prefixes);
    const facts = await gatherFacts({
      inbox: config.inbox,
      redis,
      ledger: new FileLedger(redis, { prefix: prefixes, inbox: config.inbox }),
      queues,
      elasticsearch,
      index: config.index,
      windowMs: config.dedupWindowMs,
    });
    return reconcile(facts);
  } finally {
    if (queues) await queues.files.close();
    redis.disconnect();
    await elasticsearch.close();
  }
}

/** A fail-fast connection refuses commands until it is ready; the audit waits for it (or its error). */
async function connected(redis: RedisClient): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    redis.once('ready', resolve);
    redis.on('error', reject); // also keeps ioredis from reporting the error as unhandled
  });
}
