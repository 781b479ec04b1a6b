/**
 * The connections a producer process needs (Redis, the queues, the file ledger) and the
 * submitter on top of them, closed together.
 */
import type { Config } from '../lib/config.ts';
import { createRedis } from '../lib/connections.ts';
import { FileLedger } from '../lib/file-ledger.ts';
import { pipelinePrefix } from '../lib/keys.ts';
import { forgetCommandArguments, type Logger } from '../lib/logger.ts';
import {
  closeQueues,
  type JobPolicyOptions,
  jobPolicy,
  openQueues,
  type PipelineQueues,
} from '../lib/queues.ts';
import { FileSubmitter, type FileSubmitterOptions } from './file-submitter.ts';

export interface Producer {
  submitter: FileSubmitter;
  ledger: FileLedger;
  queues: PipelineQueues;
  close(): Promise<void>;
}

export function openProducer(
  config: Pick<
    Config,
    'redisUrl' | 'queuePrefix' | 'maxFileBytes' | 'maxQueueDepth' | 'spoolDir' | 'inbox' | 'dedupWindowMs'
  >,
  logger: Logger,
  origin: FileSubmitterOptions['origin'],
  options: Pick<FileSubmitterOptions, 'metrics'> & { policy?: JobPolicyOptions } = {},
): Producer {
  const prefix = pipelinePrefix(config);
  // Producers wait out a Redis restart rather than dropping a file on the floor.
  const redis = createRedis(config.redisUrl, { blocking: true, name: `sluice-${origin}`, logger });
  const { policy, ...submitterOptions } = options;
  // A refused AUTH rejects this command-line process's calls with an error holding the password.
  redis.prependListener('error', forgetCommandArguments);
  // A job's retry policy is set when it is added: the producer's queue carries it.
  const queues = openQueues(redis, prefix, jobPolicy(policy));
  // A queue re-emits its connection's errors (a refused AUTH on every reconnect): without a
  // listener the first one kills the process, printing the error whole. createRedis reports them.
  for (const [name, queue] of Object.entries(queues)) {
    queue.on('error', (error) => logger.debug({ err: error, queue: name }, 'Producer queue lost Redis.'));
  }
  const ledger = new FileLedger(redis, { prefix, inbox: config.inbox, windowMs: config.dedupWindowMs });
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
      await closeQueues(queues);
      await redis.quit();
    },
  };
}
