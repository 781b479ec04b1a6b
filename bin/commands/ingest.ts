/** `sluice ingest PATH... [--wait]`: backfill files, folders or stdin (`-`). */
import { Command } from 'commander';
import type { FileQueues } from '../../lib/queues.ts';
import type { IngestSummary } from '../../producers/ingest-cli/ingest.ts';
import type { CommandContext } from '../command-context.ts';

export function command(context: CommandContext): Command {
  return new Command('ingest')
    .description('Queue files, folders (recursively) or stdin (-) for processing; exit 1 if any file failed.')
    .argument('<paths...>', 'files, folders, or - for stdin')
    .option('--wait', 'return only when every queued file is indexed, deduplicated or failed')
    .action(async (paths: string[], options: { wait?: boolean }) => {
      const { SingleBar } = await import('cli-progress');
      const { openProducer } = await import('../../producers/open-producer.ts');
      const { ingest } = await import('../../producers/ingest-cli/ingest.ts');
      const barShown = Boolean(process.stderr.isTTY);
      const logger = context.logger();
      const producerLogger = logger.child({}, { level: producerLogLevel(logger.level, barShown) });
      // A Redis that refuses the credentials (or is away) is one line and an exit code now, not a
      // producer that waits for ever with its jobs unqueued.
      const { probeRedis } = await import('../../infra/local/service-probes.ts');
      await probeRedis(context.config().redisUrl);
      const producer = openProducer(context.config(), producerLogger, 'ingest');
      const bar = barShown
        ? new SingleBar({
            format: `${options.wait ? 'processed' : 'queued'} {bar} {value}/{total} files`,
            stream: process.stderr,
            hideCursor: true,
          })
        : undefined;
      try {
        let started = false;
        const summary = await ingest(producer.submitter, producer.ledger, {
          paths,
          wait: Boolean(options.wait),
          onProgress: ({ done, total }) => {
            if (!started) bar?.start(total, 0);
            started = true;
            bar?.update(done);
          },
          noWorkers: {
            untaken: () => untakenJobs(producer.queues),
            notice: () =>
              context
                .logger()
                .warn('No workers are taking jobs; start `sluice work` (or `sluice start`). Still waiting.'),
          },
        });
        bar?.stop();
        if (options.wait) await refreshIndex(context);
        context.out.write(formatSummary(summary, Boolean(options.wait)));
        if (summary.failed.length > 0) process.exitCode = 1;
      } finally {
        bar?.stop();
        await producer.close();
      }
    });
}

/**
 * Under a progress bar, the producer's per-file lines (info: queued, repeat) would scroll the bar
 * away, five lines a file: there they are debug lines, shown with LOG_LEVEL=debug (issue 16). The
 * bar and the summary say the same per run.
 */
export function producerLogLevel(level: string, barShown: boolean): string {
  return barShown && level === 'info' ? 'warn' : level;
}

/** True when file jobs wait and none is active: nobody takes them (no `sluice work` or `start`). */
export async function untakenJobs(queues: { files: Pick<FileQueues, 'getJobCounts'> }): Promise<boolean> {
  const { waiting, active } = await queues.files.getJobCounts('waiting', 'active');
  return (waiting ?? 0) > 0 && active === 0;
}

/** Makes what was just indexed searchable now rather than at the next scheduled refresh (<= 1 s). */
async function refreshIndex(context: CommandContext): Promise<void> {
  const { createElasticsearch } = await import('../../lib/connections.ts');
  const config = context.config();
  const elasticsearch = createElasticsearch(config);
  try {
    await elasticsearch.indices.refresh({ index: config.index });
  } catch (error) {
    context
      .logger()
      .warn({ err: error }, 'Refreshing the index failed; results show up within a second anyway.');
  } finally {
    await elasticsearch.close();
  }
}

export function formatSummary(summary: IngestSummary, waited: boolean): string {
  const lines = [
    `${summary.files} files: ${summary.queued} queued, ${summary.repeats} repeats (seen before, not processed again).`,
  ];
  if (waited) {
    const merged = summary.articles - summary.newArticles;
    const rate = summary.seconds > 0 ? (summary.articles / summary.seconds).toFixed(1) : '0';
    lines.push(
      `${summary.done} done, ${summary.failed.length} failed; ${summary.articles} articles: ${summary.newArticles} new, ${merged} merged into existing documents.`,
      `${summary.seconds.toFixed(1)} s, ${rate} articles/s.`,
    );
    if (summary.forgotten > 0)
      lines.splice(
        2,
        0,
        `${summary.forgotten} settled whose outcome was forgotten: their ledger entries expired (SLUICE_DEDUP_WINDOW) before they were read.`,
      );
  } else if (summary.failed.length > 0) {
    lines.push(`${summary.failed.length} refused.`);
  }
  for (const failure of summary.failed) lines.push(`failed: ${failure.fileName}: ${failure.error}`);
  return `${lines.join('\n')}\n`;
}
