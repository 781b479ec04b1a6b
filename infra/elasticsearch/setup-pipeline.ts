/**
 * What the pipeline needs outside Redis, created idempotently: the index template, the concrete
 * index and its alias, and, when KIBANA_URL is set, Kibana's saved objects. `sluice setup` runs
 * it, and every worker process runs it before taking jobs.
 */
import type { Client } from '@elastic/elasticsearch';
import type { Config } from '../../lib/config.ts';
import type { Logger } from '../../lib/logger.ts';
import { ensureArticleIndex } from './article-index.ts';

export async function setupPipeline(config: Config, elasticsearch: Client, logger: Logger): Promise<void> {
  const ensured = await ensureArticleIndex(elasticsearch, config.index);
  logger.info(ensured, ensured.created ? 'Articles index created.' : 'Articles index already set up.');
  if (config.kibanaUrl) {
    const { setupKibana } = await import('../kibana/import-saved-objects.ts');
    const imported = await setupKibana(config);
    logger.info({ objects: imported?.successCount }, 'Kibana saved objects imported.');
  }
}
