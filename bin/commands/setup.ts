/**
 * `sluice setup`: creates (idempotently) what the pipeline needs outside Redis: the index
 * template, the concrete index and its alias, and, when KIBANA_URL is set, Kibana's saved
 * objects. `start` and `work` run the same steps before taking jobs.
 */
import type { Client } from '@elastic/elasticsearch';
import { Command } from 'commander';
import type { Config } from '../../lib/config.ts';
import type { Logger } from '../../lib/logger.ts';
import type { CommandContext } from '../cli.ts';

export async function setupPipeline(config: Config, elasticsearch: Client, logger: Logger): Promise<void> {
  const { ensureArticleIndex } = await import('../../infra/elasticsearch/article-index.ts');
  const ensured = await ensureArticleIndex(elasticsearch, config.index);
  logger.info(ensured, ensured.created ? 'Articles index created.' : 'Articles index already set up.');
  if (config.kibanaUrl) {
    const { setupKibana } = await import('../../infra/kibana/import-saved-objects.ts');
    const imported = await setupKibana(config);
    logger.info({ objects: imported?.successCount }, 'Kibana saved objects imported.');
  }
}

export function command(context: CommandContext): Command {
  return new Command('setup')
    .description(
      'Create the Elasticsearch index template, index and alias (and Kibana objects); safe to repeat.',
    )
    .action(async () => {
      const { createElasticsearch } = await import('../../lib/connections.ts');
      const config = context.config();
      const elasticsearch = createElasticsearch(config);
      try {
        await setupPipeline(config, elasticsearch, context.logger());
        context.out.write(`Index "${config.index}" is ready.\n`);
      } finally {
        await elasticsearch.close();
      }
    });
}
