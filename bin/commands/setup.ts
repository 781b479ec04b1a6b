/**
 * `sluice setup`: creates (idempotently) what the pipeline needs outside Redis: the index
 * template, the concrete index and its alias, and, when KIBANA_URL is set, Kibana's saved
 * objects. `start` and `work` run the same steps before taking jobs.
 */
import { Command } from 'commander';
import type { CommandContext } from '../command-context.ts';

export function command(context: CommandContext): Command {
  return new Command('setup')
    .description(
      'Create the Elasticsearch index template, index and alias (and Kibana objects); safe to repeat.',
    )
    .action(async () => {
      const { createElasticsearch } = await import('../../lib/connections.ts');
      const { setupPipeline } = await import('../../infra/elasticsearch/setup-pipeline.ts');
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
