/** `sluice search "query" [--source NAME] [--since 2d] [--limit N] [--json]`. */
import { Command, InvalidArgumentError } from 'commander';
import { sinceToDateMath } from '../../infra/elasticsearch/search.ts';
import type { CommandContext } from '../command-context.ts';

function age(value: string): string {
  if (!sinceToDateMath(value))
    throw new InvalidArgumentError('expected an age like 2d or 90m, or an ISO date');
  return value;
}

function query(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('expected words to search for');
  return value;
}

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 10_000) {
    throw new InvalidArgumentError('expected a whole number from 1 to 10000');
  }
  return number;
}

export function command(context: CommandContext): Command {
  return new Command('search')
    .description('Search the indexed articles; prints the best hits with the matching passages.')
    .argument('<query>', 'words (all must match), "a phrase", -excluded, a | b', query)
    .option('--source <name>', 'only articles from this source, e.g. "Time of India"')
    .option('--since <age>', 'only articles newer than this: 90m, 2d, 1w, or an ISO date', age)
    .option('--limit <n>', 'hits to show', positiveInteger, 10)
    .option('--json', 'print the hits as JSON')
    .action(
      async (query: string, options: { source?: string; since?: string; limit: number; json?: boolean }) => {
        const { createElasticsearch } = await import('../../lib/connections.ts');
        const { buildSearchRequest, formatSearchResult, toSearchResult } = await import(
          '../../infra/elasticsearch/search.ts'
        );
        const config = context.config();
        const elasticsearch = createElasticsearch(config);
        try {
          const tty = Boolean((context.out as NodeJS.WriteStream).isTTY) && !options.json;
          const marks = tty
            ? { pre: '\x1b[1m', post: '\x1b[22m' }
            : options.json
              ? { pre: '<em>', post: '</em>' }
              : { pre: '*', post: '*' };
          const response = await elasticsearch.search(
            buildSearchRequest(config.index, { query, ...options }, marks),
          );
          const result = toSearchResult(response as Parameters<typeof toSearchResult>[0]);
          context.out.write(
            options.json ? `${JSON.stringify(result, null, 2)}\n` : formatSearchResult(result),
          );
        } finally {
          await elasticsearch.close();
        }
      },
    );
}
