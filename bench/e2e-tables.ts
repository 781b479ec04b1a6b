/**
 * The tables `npm run bench` prints under its main one for the e2e phase, as Markdown so they can
 * go into docs/scaling.md as they are: CPU per article per component, the Redis commands that
 * dominate, the keys left after settling, and (with `--cpu-prof`) where the worker's CPU went.
 * Pure: figures in, lines out.
 */
import type { EndToEndReport } from './e2e.bench.ts';

/** A Markdown table, columns padded to their widest cell. */
export function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${widths.map((width, i) => (cells[i] ?? '').padEnd(width)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
}

/** CPU seconds and ms per article found of the worker, Elasticsearch, Redis and the producer. */
export function cpuPerArticleTable(figures: EndToEndReport['figures']): string[] {
  const articles = figures.e2e_articles_found;
  const row = (name: string, seconds: number, msPerArticle: number) => [
    name,
    seconds.toFixed(2),
    msPerArticle.toFixed(2),
  ];
  const total =
    figures.e2e_cpu_s_worker +
    figures.e2e_cpu_s_elasticsearch +
    figures.e2e_cpu_s_redis +
    figures.e2e_cpu_s_producer;
  return [
    `CPU per article found (${articles} articles, ${figures.e2e_documents} documents, ${figures.e2e_files} files):`,
    ...markdownTable(
      ['Component', 'CPU s', 'ms per article'],
      [
        row('Worker (`sluice work`)', figures.e2e_cpu_s_worker, figures.worker_cpu_ms_per_article),
        row('Elasticsearch', figures.e2e_cpu_s_elasticsearch, figures.elasticsearch_cpu_ms_per_article),
        row('Redis (its own server)', figures.e2e_cpu_s_redis, figures.redis_cpu_ms_per_article),
        row('Producer (`ingest --wait`)', figures.e2e_cpu_s_producer, figures.producer_cpu_ms_per_article),
        row('**Total**', total, (total * 1000) / articles),
        [
          'Bulk helper, Elasticsearch, per document',
          figures.bulk_cpu_s_elasticsearch.toFixed(2),
          figures.bulk_elasticsearch_cpu_ms_per_document.toFixed(2),
        ],
      ],
    ),
    `(Elasticsearch is shared: others used ${figures.elasticsearch_idle_cpu_per_s} CPU s/s of it just before the run.)`,
  ];
}

/** The commands Redis ran and those the clients sent, most frequent first. */
export function commandTables(report: EndToEndReport): string[] {
  const { figures } = report;
  return [
    `Redis commands run in the e2e window (INFO commandstats, Lua scripts' own commands included): ${figures.redis_commands_per_article} per article`,
    ...markdownTable(
      ['Command', 'Calls', 'per article', '% of calls', '% of Redis time'],
      report.commands.map((command) => [
        command.name,
        String(command.calls),
        command.perArticle.toFixed(2),
        command.callsPercent.toFixed(1),
        command.usecPercent.toFixed(1),
      ]),
    ),
    '',
    `Commands the pipeline's clients sent (an EVALSHA is one): ${figures.redis_sent_commands_per_article} per article, ${figures.redis_script_calls_per_article} of them script calls`,
    ...markdownTable(
      ['Command', 'Sent', 'per article', 'by the worker', 'by the producer'],
      sentRanking(report.sent).map(({ name, worker, producer }) => [
        name,
        String(worker + producer),
        ((worker + producer) / figures.e2e_articles_found).toFixed(2),
        String(worker),
        String(producer),
      ]),
    ),
  ];
}

/** Rows of the command tables. */
const COMMAND_ROWS = 10;

/** The commands sent, most sent first, with who sent them. */
export function sentRanking(
  sent: EndToEndReport['sent'],
): Array<{ name: string; worker: number; producer: number }> {
  const names = new Set([...Object.keys(sent.worker), ...Object.keys(sent.producer)]);
  return [...names]
    .map((name) => ({ name, worker: sent.worker[name] ?? 0, producer: sent.producer[name] ?? 0 }))
    .sort((a, b) => b.worker + b.producer - (a.worker + a.producer) || a.name.localeCompare(b.name))
    .slice(0, COMMAND_ROWS);
}

/** Rows of the key table. */
const KEY_TABLE_ROWS = 8;

/** The keys left once every file settled, by family and type, largest first. */
export function keyTable(report: EndToEndReport): string[] {
  const { figures } = report;
  return [
    `Redis after settling: ${figures.redis_bytes_per_settled_file} bytes per settled file (used_memory over the empty server), ${figures.redis_keys_left} keys holding ${figures.redis_key_bytes_left} bytes (MEMORY USAGE):`,
    ...markdownTable(
      ['Keys', 'Type', 'Count', 'Bytes', 'Bytes per file'],
      report.keyGroups
        .slice(0, KEY_TABLE_ROWS)
        .map((group) => [
          `\`${group.family}\``,
          group.type,
          String(group.keys),
          String(group.bytes),
          String(Math.round(group.bytes / figures.e2e_files)),
        ]),
    ),
  ];
}

/** Rows of the profile table. */
const PROFILE_ROWS = 10;

/** Where the worker's CPU went, by area, in ms per article found. */
export function profileTable(report: EndToEndReport): string[] {
  const profile = report.profile;
  if (!profile) return [];
  const articles = report.figures.e2e_articles_found;
  return [
    `Worker CPU profile, its whole life (start-up included): ${profile.busyMs} ms busy of ${profile.totalMs} ms, by area (self time):`,
    ...markdownTable(
      ['Area', 'ms', '% of busy', 'ms per article'],
      profile.areas
        .filter((area) => area.name !== '(idle)')
        .slice(0, PROFILE_ROWS)
        .map((area) => [
          area.name,
          String(area.ms),
          ((100 * area.ms) / profile.busyMs).toFixed(1),
          (area.ms / articles).toFixed(3),
        ]),
    ),
  ];
}
