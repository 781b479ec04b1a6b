/**
 * What the pipeline needs outside Redis, created idempotently: the index template, the concrete
 * index and its alias, and, when KIBANA_URL is set, Kibana's saved objects. `sluice setup` runs
 * it, and every worker process runs it before taking jobs: there Kibana, optional to the pipeline,
 * is imported in the background, so a Kibana that does not answer never holds the pipeline up.
 */
import type { Client } from '@elastic/elasticsearch';
import type { Config } from '../../lib/config.ts';
import type { Logger } from '../../lib/logger.ts';
import { ensureArticleIndex } from './article-index.ts';

export interface SetupOptions {
  /** Import Kibana's objects in the background (a running pipeline) instead of waiting (`sluice setup`). */
  kibanaInBackground?: boolean;
}

export interface PipelineSetup {
  /** Stops a Kibana import still being tried in the background. */
  stop(): void;
}

export async function setupPipeline(
  config: Config,
  elasticsearch: Client,
  logger: Logger,
  options: SetupOptions = {},
): Promise<PipelineSetup> {
  const ensured = await ensureArticleIndex(elasticsearch, config.index, config.indexShards);
  logger.info(ensured, ensured.created ? 'Articles index created.' : 'Articles index already set up.');
  if (ensured.fieldsAdded.length > 0) {
    logger.info(
      { index: ensured.index, fields: ensured.fieldsAdded },
      'Articles index mapping updated: fields added; documents written before lack them (a reindex fills them).',
    );
  }
  if (!config.kibanaUrl) return { stop: () => undefined };
  const { importInBackground, setupKibana } = await import('../kibana/import-saved-objects.ts');
  if (options.kibanaInBackground) return importInBackground(config, logger);
  const imported = await setupKibana(config);
  logger.info({ objects: imported?.successCount }, 'Kibana saved objects imported.');
  return { stop: () => undefined };
}
