/**
 * A real pipeline in this process for dashboard tests: its own prefix, index and inbox, the
 * folder producer and the workers, and the HTTP server whose metrics the workers feed.
 */
import type { OpenedDashboard } from '../../../infra/dashboard/open-dashboard.ts';
import { createTestPipeline, startPipeline, type TestPipeline } from '../../pipeline-harness.ts';

export interface PipelineWithDashboard {
  pipeline: TestPipeline;
  dashboard: OpenedDashboard;
  /** Stops the producer, the workers and the server, then removes everything the pipeline made. */
  close(): Promise<void>;
}

export async function startPipelineWithDashboard(
  settings: Record<string, string> = {},
): Promise<PipelineWithDashboard> {
  const pipeline = await createTestPipeline(settings);
  const { config, elasticsearch } = pipeline;
  const running = await startPipeline(config, elasticsearch, { serve: true });
  return {
    pipeline,
    dashboard: running.dashboard as OpenedDashboard,
    async close() {
      await running.close();
      await pipeline.cleanup();
    },
  };
}
