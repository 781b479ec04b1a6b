/**
 * The queue dashboard: Bull Board on the pipeline's own queues, with job details and failure
 * reasons; read-only unless its actions are on (retry, clean, add, edit, delete: a job names the
 * file its workers move, so editing jobs is not for whoever can open a page). It reads the
 * queues' Redis keys, so the queues handed in must carry the pipeline's prefix
 * (`pipelinePrefix(config)`), or the board shows empty queues.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { boardJobData, withoutExternalLinks } from './board-view.ts';

export interface QueueBoardOptions {
  /**
   * The pipeline's queues, in stage order (the board lists them as given); the partitions of a
   * partitioned pipeline (SLUICE_PARTITIONS) share a name and are listed as `p0-files`, `p1-files`...
   */
  queues: readonly Queue[];
  /** URL path of the board; default `/queues`. */
  basePath?: string;
  /** Title in the board's header; default `Sluice`. */
  title?: string;
  /** Offer the board's actions; default false: read-only (Bull Board's `readOnlyMode`). */
  actions?: boolean;
}

/** Methods that only read; anything else under a read-only board is refused before Bull Board sees it. */
const READING = new Set(['GET', 'HEAD']);

export async function registerQueueBoard(app: FastifyInstance, options: QueueBoardOptions): Promise<void> {
  const basePath = options.basePath ?? '/queues';
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(basePath);
  const readOnlyMode = options.actions !== true;
  createBullBoard({
    queues: options.queues.map((queue, i) => {
      const shared = options.queues.filter((other) => other.name === queue.name).length > 1;
      const adapter = new BullMQAdapter(queue, {
        readOnlyMode,
        allowRetries: !readOnlyMode,
        prefix: shared
          ? `p${options.queues.slice(0, i).filter((other) => other.name === queue.name).length}-`
          : '',
      });
      adapter.setFormatter('data', boardJobData);
      return adapter;
    }),
    serverAdapter,
    options: { uiConfig: { boardTitle: options.title ?? 'Sluice', hideDocsLink: true } },
  });
  app.addHook('onSend', withoutExternalLinks);
  await app.register(
    async (board) => {
      // Bull Board checks readOnlyMode route by route; this refuses every write, whatever a
      // later version adds.
      if (readOnlyMode) {
        board.addHook('onRequest', async (request, reply) => {
          if (READING.has(request.method)) return;
          return reply
            .code(405)
            .send({ error: 'the queue board is read-only (SLUICE_BOARD_ACTIONS=on turns actions on)' });
        });
      }
      await board.register(serverAdapter.registerPlugin());
    },
    { prefix: basePath },
  );
}
