/**
 * The queue dashboard: Bull Board on the pipeline's own queues, with job details, failure
 * reasons, retry and clean. It reads and writes the queues' Redis keys, so the queues handed
 * in must carry the pipeline's prefix (`pipelinePrefix(config)`), or the board shows empty queues.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { boardJobData, withoutExternalLinks } from './board-view.ts';

export interface QueueBoardOptions {
  /** The pipeline's queues, in stage order (the board lists them as given). */
  queues: readonly Queue[];
  /** URL path of the board; default `/queues`. */
  basePath?: string;
  /** Title in the board's header; default `Sluice`. */
  title?: string;
}

export async function registerQueueBoard(app: FastifyInstance, options: QueueBoardOptions): Promise<void> {
  const basePath = options.basePath ?? '/queues';
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: options.queues.map((queue) => {
      const adapter = new BullMQAdapter(queue, { allowRetries: true });
      adapter.setFormatter('data', boardJobData);
      return adapter;
    }),
    serverAdapter,
    options: { uiConfig: { boardTitle: options.title ?? 'Sluice', hideDocsLink: true } },
  });
  app.addHook('onSend', withoutExternalLinks);
  await app.register(serverAdapter.registerPlugin(), { prefix: basePath });
}
