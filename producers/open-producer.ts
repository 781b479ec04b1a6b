/**
 * The connections a producer process needs (Redis, the queues, the file ledger) and the
 * submitter on top of them, closed together.
 */
import type { Config } from '../lib/config.ts';
import { createRedisClient } from '../lib/connections.ts';
import { FileLedger } from '../lib/file-ledger.ts';
import { partitionPrefixes } from '../lib/keys.ts';
import { forgetCommandArguments, type Logger } from '../lib/logger.ts';
import { type JobPolicyOptions, jobPolicy, openFileQueues, type PartitionedQueues } from '../lib/queues.ts';
import { FileSubmitter, type FileSubmitterOptions } from './file-submitter.ts';

export interface Producer {
  submitter: FileSubmitter;
  ledger: FileLedger;
  queues: PartitionedQueues;
  close(): Promise<void>;
}

/** The settings a producer reads (the folder watcher and `ingest` alike). */
export type ProducerConfig = Pick<
  Config,
  | 'redisUrl'
  | 'queuePrefix'
  | 'partitions'
  | 'maxFileBytes'
  | 'maxQueueDepth'
  | 'spoolDir'
  | 'inbox'
  | 'dedupWindowMs'
>;

export function openProducer(
  config: ProducerConfig,
  logger: Logger,
  origin: FileSubmitterOptions['origin'],
  options: Pick<FileSubmitterOptions, 'metrics'> & { policy?: JobPolicyOptions } = {},
): Producer {
  const prefixes = partitionPrefixes(config);
  // Producers wait out a Redis restart rather than dropping a file on the floor.
  const redis = createRedisClient(config.redisUrl, { blocking: true, name: `sluice-${origin}`, logger });
  const { policy, ...submitterOptions } = options;
  // A refused AUTH rejects this command-line process's calls with an error holding the password.
  redis.prependListener('error', forgetCommandArguments);
  // A job's retry policy is set when it is added: the producer's queue carries it.
  const queues = openFileQueues(redis, prefixes, jobPolicy(policy));
  // A queue re-emits its connection's errors (a refused AUTH on every reconnect): without a
  // listener the first one kills the process, printing the error whole. createRedisClient reports them.
  queues.files.on('error', (error) =>
    logger.debug({ err: error, queue: queues.files.name }, 'Producer queue lost Redis.'),
  );
  const ledger = new FileLedger(redis, {
    prefix: prefixes,
    inbox: config.inbox,
    windowMs: config.dedupWindowMs,
  });
  const submitter = new FileSubmitter(queues, ledger, logger, {
    origin,
    maxFileBytes: config.maxFileBytes,
    maxQueueDepth: config.maxQueueDepth,
    spoolDir: config.spoolDir,
    ...submitterOptions,
  });
  return {
    submitter,
    ledger,
    queues,
    async close() {
      await queues.files.close();
      await redis.quit();
    },
  };
}
