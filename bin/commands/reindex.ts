/**
 * `sluice reindex [--from DIR...] [--keep-old] [--force]`: rebuild the index from the stored pages
 * with today's cleaner, through the running workers, and swap the alias (infra/reindex/reindex.ts).
 */
import { Command } from 'commander';
import type { ReindexSummary } from '../../infra/reindex/reindex.ts';
import type { CommandContext } from '../command-context.ts';

export function command(context: CommandContext): Command {
  return new Command('reindex')
    .description(
      "Re-extract the stored pages (done/, the spool's indexed stdin input, --from folders) into a new index through the workers, then swap the alias.",
    )
    .option('--from <folders...>', 'more folders of stored pages', [])
    .option('--keep-old', 'keep the old index after the swap')
    .option('--force', 'swap even when files failed (their articles are then missing)')
    .action(async (options: { from: string[]; keepOld?: boolean; force?: boolean }) => {
      const { SingleBar } = await import('cli-progress');
      const { createElasticsearch, createRedisClient } = await import('../../lib/connections.ts');
      const { reindex } = await import('../../infra/reindex/reindex.ts');
      const config = context.config();
      const logger = context.logger();
      const redis = createRedisClient(config.redisUrl, { blocking: true, name: 'sluice-reindex', logger });
      const elasticsearch = createElasticsearch(config);
      const bar = process.stderr.isTTY
        ? new SingleBar({
            format:
              'reindexed {bar} {value}/{total} files | {articles} articles | {failed} failed | ETA {eta_formatted}',
            stream: process.stderr,
            hideCursor: true,
          })
        : undefined;
      let started = false;
      try {
        const summary = await reindex({
          config,
          redis,
          elasticsearch,
          logger,
          from: options.from,
          keepOld: Boolean(options.keepOld),
          force: Boolean(options.force),
          onProgress: ({ files, total, articles, failed }) => {
            if (!started) bar?.start(total, 0, { articles, failed });
            started = true;
            bar?.update(files, { articles, failed });
          },
        });
        bar?.stop();
        context.out.write(formatReindexSummary(summary));
        if (!summary.swapped) process.exitCode = 1;
      } finally {
        bar?.stop();
        redis.disconnect();
        await elasticsearch.close();
      }
    });
}

export function formatReindexSummary(summary: ReindexSummary): string {
  const lines = [
    `${summary.files} stored pages${summary.resumed ? ' (resumed)' : ''}: ${summary.submitted} processed now, ${summary.failed.length} failed; ${summary.articles} articles, ${summary.merged} merged into existing documents.`,
    `Documents: ${summary.documentsBefore} in ${summary.source} before, ${summary.documentsAfter} in ${summary.target} after.`,
  ];
  if (summary.swapped)
    lines.push(
      `Alias "${summary.alias}" now points at ${summary.target}; ${summary.oldDeleted ? `${summary.source} deleted` : `${summary.source} kept`}.`,
    );
  else
    lines.push(
      `Not swapped: "${summary.alias}" still points at ${summary.source}. Run reindex again to retry the failed files, or add --force to swap without them.`,
    );
  for (const failure of summary.failed) lines.push(`failed: ${failure.fileName}: ${failure.error}`);
  lines.push(`${summary.seconds.toFixed(1)} s.`);
  return `${lines.join('\n')}\n`;
}
