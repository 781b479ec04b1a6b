/**
 * The extract stage: turns a file job into articles (extractArticles) and hands them on to what
 * the pipeline wires after it (workers/pipeline.ts). Bad input settles the file as failed at
 * once (failed/ + error report) and is not retried.
 */
import type { Job } from 'bullmq';
import type { Article } from '../../lib/article.ts';
import type { FileLedger } from '../../lib/file-ledger.ts';
import type { FileOutcome } from '../../lib/inbox.ts';
import { jobProcessor, settleIfGivenUp } from '../../lib/job-errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { type FileRef, parseJobData } from '../../lib/queues.ts';
import { extractArticles } from './extract-articles.ts';

export interface ExtractStage {
  ledger: FileLedger;
  /** Queues the next stages for the file's articles; idempotent, as a retry calls it again. */
  handOn: (file: FileRef, articles: readonly Article[]) => Promise<void>;
  logger: Logger;
  /** Told about every file this stage settles (for metrics). */
  onSettled?: (outcome: FileOutcome) => void;
}

export interface ExtractResult {
  articles: number;
  /** True when the ledger showed the file already settled (a retry after the flow finished). */
  skipped: boolean;
}

export function extractProcessor(stage: ExtractStage) {
  return jobProcessor(
    (job) => extract(stage, job),
    async (job, error) => {
      const file = parseJobData('extract', job.data, { orNull: true });
      if (await settleIfGivenUp(stage, job, error, file, 'extract')) {
        stage.logger.warn(
          { file: file?.fileName, jobId: job.id },
          `File failed extraction: ${error.message}`,
        );
      }
    },
  );
}

async function extract(stage: ExtractStage, job: Job): Promise<ExtractResult> {
  const { bytes, ...file } = parseJobData('extract', job.data);
  const entry = await stage.ledger.get(file.fileHash);
  if (entry && (entry.run !== file.run || entry.status !== 'pending')) return { articles: 0, skipped: true };

  const articles = extractArticles(Buffer.from(bytes, 'base64'), {
    fileName: file.fileName,
    capturedAt: new Date(file.capturedAt),
  });
  await stage.handOn(file, articles);
  stage.logger.info(
    { file: file.fileName, jobId: job.id, articles: articles.length },
    'Page split into articles.',
  );
  return { articles: articles.length, skipped: false };
}
