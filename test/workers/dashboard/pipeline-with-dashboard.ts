/**
 * A real pipeline in this process for dashboard tests: its own prefix, index and inbox, the
 * folder producer and the workers, and the HTTP server whose metrics the workers feed.
 */
import { ensureArticleIndex } from '../../../infra/elasticsearch/article-index.ts';
import { createLogger } from '../../../lib/logger.ts';
import { watchInbox } from '../../../producers/folder-watcher/watch-inbox.ts';
import { type OpenedDashboard, openDashboard } from '../../../workers/dashboard/open-dashboard.ts';
import { runWorkers } from '../../../workers/run-workers.ts';
import { createTestPipeline, type TestPipeline } from '../../pipeline-harness.ts';

export interface PipelineWithDashboard {
  pipeline: TestPipeline;
  dashboard: OpenedDashboard;
  /** Stops the producer, the workers and the server, then removes everything the pipeline made. */
  close(): Promise<void>;
}

export async function startPipelineWithDashboard(
  settings: Record<string, string> = {},
): Promise<PipelineWithDashboard> {
  const logger = createLogger({ level: 'silent' });
  const pipeline = await createTestPipeline(settings);
  const { config, elasticsearch } = pipeline;
  await ensureArticleIndex(elasticsearch, config.index);
  const dashboard = await openDashboard({ config, elasticsearch });
  const workers = runWorkers({ config, elasticsearch, logger, metrics: dashboard.metrics });
  const watching = await watchInbox(config, logger);
  return {
    pipeline,
    dashboard,
    async close() {
      await watching.close();
      await workers.close();
      await dashboard.close();
      await pipeline.cleanup();
    },
  };
}
