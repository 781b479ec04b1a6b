/** `sluice audit [--json]`: reconcile what the pipeline saw with where it went; exit 1 when it does not balance. */
import { Command } from 'commander';
import type { AuditReport } from '../../infra/audit/reconcile.ts';
import { formatDuration } from '../../lib/config.ts';
import type { CommandContext } from '../command-context.ts';

export function command(context: CommandContext): Command {
  return new Command('audit')
    .description(
      'Reconcile files (inbox, in flight, done/, failed/), jobs per state, the file ledger and the ' +
        'indexed sightings; exit 1 when they do not balance.',
    )
    .option('--json', 'print the report as JSON')
    .action(async (options: { json?: boolean }) => {
      const { auditPipeline } = await import('../../infra/audit/audit.ts');
      const report = await auditPipeline(context.config());
      context.out.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
      if (!report.balanced) process.exitCode = 1;
    });
}

/** The report for a terminal: one line per part, then the verdict and every problem. */
export function formatReport(report: AuditReport): string {
  const { files, ledger, index } = report;
  const jobs = Object.entries(report.jobs).map(([queue, counts]) => {
    const states = Object.entries(counts)
      .filter(([state, n]) => state !== 'unfinished' && n > 0)
      .map(([state, n]) => `${n} ${state}`);
    return `${queue} ${states.length > 0 ? states.join(', ') : 'empty'}`;
  });
  const lines = [
    `files:  ${files.inbox} in the inbox (${files.inFlight} in flight, ${files.unseen} not yet taken), ` +
      `${files.done} in done/, ${files.failed} in failed/ (${files.failedReports} with a report)`,
    `ledger: ${ledger.contents} contents: ${ledger.pending} pending, ${ledger.done} done, ${ledger.failed} failed; ` +
      `${ledger.repeats} repeats; ${ledger.articles} articles in done files`,
    ...(files.ignored.length > 0
      ? [
          `        ${files.ignored.length} more in the inbox ignored while their names say they are being written ` +
            `(rename them when complete): ${files.ignored.slice(0, 5).join(', ')}${files.ignored.length > 5 ? ', ...' : ''}`,
        ]
      : []),
    `jobs:   ${jobs.join('; ')}`,
    `index:  ${index.documents} documents, ${index.sightings} sightings from ${index.filesWithSightings} files`,
    ...(report.window.outside > 0
      ? [
          `window: ${report.window.outside} done files settled over a window (${formatDuration(report.window.ms)}) ago, ` +
            `their ledger entries expired: ${report.window.verified} verified by their sightings in the index`,
        ]
      : []),
    `${report.balanced ? 'Balanced' : `Does not balance: ${report.problems.length} problems`}; ` +
      `${report.settled ? 'settled (nothing waiting or in flight)' : 'work still waiting or in flight'}.`,
    ...(report.losses.state > 0
      ? [
          `State lost: ${report.losses.state} problems say Redis forgot files that are safe on disk ` +
            '(restarted without its data?); dropping those files again records them.',
        ]
      : []),
    ...(report.losses.files > 0 ? [`Files lost or unaccounted for: ${report.losses.files} problems.`] : []),
    ...report.problems.map((problem) => `- ${problem.kind}: ${problem.message}`),
  ];
  return `${lines.join('\n')}\n`;
}
