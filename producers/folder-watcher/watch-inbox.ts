/** The folder producer with its connections, as `watch` and `start` run it. */
import { mkdir } from 'node:fs/promises';
import type { Config } from '../../lib/config.ts';
import type { Logger } from '../../lib/logger.ts';
import type { JobPolicyOptions } from '../../lib/queues.ts';
import type { FileSubmitterOptions } from '../file-submitter.ts';
import { openProducer } from '../open-producer.ts';
import { FolderWatcher } from './folder-watcher.ts';

export interface WatchingInbox {
  watcher: FolderWatcher;
  /** Stops watching, waits for submissions in progress, closes connections. */
  close(): Promise<void>;
}

export async function watchInbox(
  config: Pick<
    Config,
    'redisUrl' | 'queuePrefix' | 'maxFileBytes' | 'maxQueueDepth' | 'spoolDir' | 'inbox' | 'dedupWindowMs'
  >,
  logger: Logger,
  options: Pick<FileSubmitterOptions, 'metrics'> & { policy?: JobPolicyOptions } = {},
): Promise<WatchingInbox> {
  await mkdir(config.inbox, { recursive: true });
  const producer = openProducer(config, logger, 'watch', options);
  const watcher = new FolderWatcher(producer.submitter, logger, { inbox: config.inbox });
  await watcher.start();
  return {
    watcher,
    async close() {
      await watcher.close();
      await producer.close();
    },
  };
}
