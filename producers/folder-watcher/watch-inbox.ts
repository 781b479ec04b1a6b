/** The folder producer with its connections, as `watch` and `start` run it. */
import { mkdir } from 'node:fs/promises';
import type { Logger } from '../../lib/logger.ts';
import type { JobPolicyOptions } from '../../lib/queues.ts';
import type { FileSubmitterOptions } from '../file-submitter.ts';
import { openProducer, type ProducerConfig } from '../open-producer.ts';
import { FolderWatcher, type FolderWatcherOptions } from './folder-watcher.ts';

export interface WatchingInbox {
  watcher: FolderWatcher;
  /** Stops watching, waits for submissions in progress, closes connections. */
  close(): Promise<void>;
}

export async function watchInbox(
  config: ProducerConfig,
  logger: Logger,
  options: Pick<FileSubmitterOptions, 'metrics'> & {
    policy?: JobPolicyOptions;
    /** The watcher's rescan and sweep timing (tests shorten them). */
    timing?: Pick<FolderWatcherOptions, 'rescanIntervalMs' | 'sweepAfterMs'>;
  } = {},
): Promise<WatchingInbox> {
  await mkdir(config.inbox, { recursive: true });
  const { timing, ...producerOptions } = options;
  const producer = openProducer(config, logger, 'watch', producerOptions);
  const watcher = new FolderWatcher(producer.submitter, logger, { inbox: config.inbox, ...timing });
  await watcher.start();
  return {
    watcher,
    async close() {
      await watcher.close();
      await producer.close();
    },
  };
}
