/**
 * `npm run bench`: every benchmark against the real Redis and Elasticsearch, a table for people
 * and, as the last line, one JSON object for machines; the same object is written to
 * bench/results/<ISO time>.json.
 *
 *   npm run bench                      full: 2000-file corpus, 60 latency samples, dedup up to 100k
 *   npm run bench -- --quick           about 4 minutes: 500 files, 30 samples, dedup up to 10k,
 *                                      every 16th snippet-bench HTML page (full: every 4th)
 *   npm run bench -- --cpu-prof=DIR    also write a V8 CPU profile of the e2e worker process to DIR
 *   npm run bench -- --only=cluster       Redis CPU per master of a 3-master Redis Cluster, SLUICE_PARTITIONS 1 vs 3
 *   npm run bench -- --only=e2e,latency   some phases only (extract, quality, chrome, dedupe, e2e,
 *                                         latency, hostile, cluster, soak, reindex)
 *   npm run bench -- --only=soak       Redis memory over 20,000 files with a 30 s dedup window
 *                                      (20 minutes at load 20 on 2 CPUs; not in the default run)
 *   npm run bench -- --only=quality --reference        also rerun Readability.js alone (else its
 *                                                      figures are shown from the baseline)
 *   npm run bench -- --only=quality --floor            exit 1 when a quality figure fell below
 *                                                      bench/quality-baseline.json (CI)
 *   npm run bench -- --only=quality --write-baseline   make the current quality figures the baseline
 *                                                      (Readability.js rerun too)
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../lib/config.ts';
import { createElasticsearch, createRedis } from '../lib/connections.ts';
import { benchChrome, CHROME_MODES, formatChromeTable } from './chrome.bench.ts';
import { benchCluster, clusterTable } from './cluster.bench.ts';
import { buildCorpus, corpusFile, type SourcePage, vocabularyOf } from './corpus.ts';
import { benchDedupe } from './dedupe.bench.ts';
import { benchEndToEnd } from './e2e.bench.ts';
import { commandTables, cpuPerArticleTable, keyTable, profileTable } from './e2e-tables.ts';
import { benchExtract, benchExtractHtml } from './extract.bench.ts';
import { benchHostile } from './hostile.bench.ts';
import { benchLatency } from './latency.bench.ts';
import { benchQuality } from './quality.bench.ts';
import { formatQualityTable, referenceFigures } from './quality-figures.ts';
import {
  BASELINE_PATH,
  FLOOR_TOLERANCE,
  floorFailures,
  readBaseline,
  writeBaseline,
} from './quality-floor.ts';
import { benchReindex } from './reindex.bench.ts';
import { benchSoak, memoryGrowth } from './soak.bench.ts';

const PHASES = [
  'extract',
  'quality',
  'chrome',
  'dedupe',
  'e2e',
  'latency',
  'hostile',
  'cluster',
  'soak',
  'reindex',
] as const;
type Phase = (typeof PHASES)[number];
/** Phases run without --only: all but the soak, which takes longer than the rest together. */
const DEFAULT_PHASES = PHASES.filter((name) => name !== 'soak');
/** Phases that need Redis and Elasticsearch (the others run on files alone). */
const SERVICE_PHASES: readonly Phase[] = ['dedupe', 'e2e', 'latency', 'cluster', 'soak', 'reindex'];

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    only: { type: 'string' },
    reference: { type: 'boolean', default: false },
    floor: { type: 'boolean', default: false },
    'write-baseline': { type: 'boolean', default: false },
  },
});
const quick = flags.quick === true;
const phases = new Set<Phase>(flags.only ? (flags.only.split(',') as Phase[]) : DEFAULT_PHASES);
if ((flags.reference || flags.floor || flags['write-baseline']) && !phases.has('quality')) {
  console.error('--reference, --floor and --write-baseline need the quality phase (--only=quality).');
  process.exit(2);
}
const plan = {
  corpusFiles: quick ? 500 : 2000,
  latencySamples: quick ? 30 : 60,
  dedupeSizes: quick ? [1_000, 10_000] : [1_000, 10_000, 100_000],
  htmlEvery: quick ? 16 : 4,
  // The soak is as long either way: flat memory only shows over many windows.
  soakCheckpoints: [5_000, 10_000, 20_000],
  soakWindow: '30s',
  /** The README quotes the reindex's cost per 1,000 pages: measured on that many in both modes. */
  reindexFiles: 1000,
};

const DATA = new URL('../../shared/data/', import.meta.url).pathname;
const PAGE_DIRS = ['article-bench/pages', 'aggregator-pages/pages'];
const runName = `bench-${randomUUID().slice(0, 8)}`;
const results: Record<string, number | string | boolean> = {
  date: new Date().toISOString(),
  mode: quick ? 'quick' : 'full',
};
const table: Array<[string, string, string]> = [];
/** Tables of their own, printed under the main one. */
const sections: string[][] = [];
/** Quality figures that fell below the baseline (--floor), reported after the tables. */
let floorFailed: string[] = [];
const row = (name: string, value: number | string, target = '') => table.push([name, String(value), target]);

const machine = await describeMachine(SERVICE_PHASES.some((name) => phases.has(name)));
Object.assign(results, machine);
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
log(`${results.mode} run ${runName} on ${machine.machine_cpus} CPUs, load ${machine.machine_load_1m}`);

/**
 * Runs one phase if it was asked for. A phase that throws (others edit the pipeline while
 * benchmarks run) is reported in the table and as `<phase>_error`, and the others still run.
 */
async function phase(name: Phase, work: () => unknown): Promise<void> {
  if (!phases.has(name)) return;
  try {
    await work();
  } catch (error) {
    const message = (error as Error).message.split('\n').slice(0, 3).join(' ');
    results[`${name}_error`] = message;
    row(`${name} FAILED`, message.slice(0, 100));
    process.exitCode = 1;
  }
}

await phase('extract', () => {
  log('extract: cleaning + segmenting the article-bench pages, 7 timed samples in each of 3 processes');
  const extract = benchExtract();
  Object.assign(results, extract);
  row(`extract MB/s, text pages (median of ${extract.extract_samples})`, extract.extract_mb_per_s, '>= 25');
  row('  per CPU second (what load cannot take)', extract.extract_mb_per_cpu_s);
  row('  per CPU second, fastest sample', extract.extract_mb_per_cpu_s_best);
  row('  baseline: decode + split lines, MB/s', extract.extract_baseline_mb_per_s);
  log(`extract: every ${plan.htmlEvery}th snippet-bench HTML page, extraction and Readability.js alone`);
  const html = benchExtractHtml({ every: plan.htmlEvery });
  Object.assign(results, html);
  row(
    `extract HTML MB/s (${html.extract_html_pages} pages, ${html.extract_html_mb} MB, median of ${html.extract_html_samples})`,
    html.extract_html_mb_per_s,
  );
  row('  Readability.js alone, same pages, MB/s', html.readability_html_mb_per_s);
  row(
    '  per CPU second: extract / Readability.js',
    `${html.extract_html_mb_per_cpu_s} / ${html.readability_html_mb_per_cpu_s}`,
  );
});

await phase('quality', async () => {
  const reference = flags.reference || flags['write-baseline'];
  log(
    `quality: every shared set extracted and scored by the shared scorers${reference ? ', and Readability.js' : ''}`,
  );
  const quality = await benchQuality({ reference });
  Object.assign(results, quality.figures, { quality_seconds: quality.seconds });
  row('quality benchmark seconds (table below)', quality.seconds);
  const baseline = existsSync(BASELINE_PATH) ? readBaseline() : null;
  if (reference || !baseline) {
    sections.push(formatQualityTable(quality.figures));
  } else {
    // Readability.js's figures change only with the data or the library: shown as last measured.
    sections.push([
      ...formatQualityTable({ ...referenceFigures(baseline.figures), ...quality.figures }),
      `(Readability.js: from bench/quality-baseline.json, commit ${baseline.commit}; --reference reruns it)`,
    ]);
  }
  if (flags.floor) {
    if (!baseline)
      throw new Error(`--floor: no baseline at ${BASELINE_PATH}; write one with --write-baseline`);
    floorFailed = floorFailures(quality.figures, baseline.figures);
    results.quality_floor = floorFailed.length === 0 ? 'passed' : `failed: ${floorFailed.length} figures`;
    row('quality floor (bench/quality-baseline.json)', results.quality_floor);
  }
  if (flags['write-baseline']) {
    writeBaseline(quality.figures, String(results.git_commit));
    row('quality baseline written', 'bench/quality-baseline.json');
  }
});

await phase('chrome', async () => {
  log(
    'chrome: aggregator pages and snippet-bench text dumps in one shuffled order, without and with learned chrome',
  );
  const chrome = await benchChrome();
  for (const mode of CHROME_MODES)
    for (const [key, value] of Object.entries(chrome.figures[mode]))
      results[key.replace(/^quality_/, `chrome_${mode}_`)] = value;
  Object.assign(results, { chrome_keys_kept: chrome.keysKept, chrome_keys_known: chrome.keysKnown });
  const f1 = (mode: (typeof CHROME_MODES)[number]) => chrome.figures[mode].quality_snippet_text_f1;
  row(
    'chrome: snippet-bench text F1 off / on / learned first',
    `${f1('off')} / ${f1('on')} / ${f1('first')}`,
  );
  sections.push(formatChromeTable(chrome));
});

await phase('dedupe', async () => {
  log(`dedupe: claims as the index grows to ${plan.dedupeSizes.join(', ')} articles`);
  const dedupe = await benchDedupe({ sizes: plan.dedupeSizes });
  Object.assign(results, dedupe);
  for (const size of plan.dedupeSizes) {
    const label = `${size / 1000}k`;
    results[`dedup_articles_per_s_${label}`] = dedupe[`dedupe_claims_per_s_${label}`] as number;
    row(`dedup articles/s at ${label} stored`, dedupe[`dedupe_claims_per_s_${label}`] as number);
  }
  const largest = `${(plan.dedupeSizes.at(-1) as number) / 1000}k`;
  results.redis_bytes_per_article = dedupe[`dedupe_redis_bytes_per_article_${largest}`] as number;
  row(`Redis bytes per article (at ${largest})`, results.redis_bytes_per_article);
  if (quick) row('  (quick: 100k skipped)', '');
  row('dedup pair precision / recall', `${dedupe.dedupe_pair_precision} / ${dedupe.dedupe_pair_recall}`);
});

// The corpus of the e2e and latency phases: the shared pages, varied (bench/corpus.ts).
const pages: SourcePage[] = PAGE_DIRS.flatMap((dir) =>
  readdirSync(join(DATA, dir))
    .filter((name) => name.endsWith('.txt'))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(DATA, dir, name), 'utf8') })),
);
const vocabulary = vocabularyOf(pages.map((page) => page.text));

await phase('cluster', async () => {
  const files = buildCorpus(pages, plan.corpusFiles, vocabulary);
  log(`cluster: ${files.length} files into a 3-master Redis Cluster, SLUICE_PARTITIONS 1 then 3`);
  const runs = await benchCluster({ files, name: `${runName}-cluster` });
  for (const run of runs) {
    const cpus = run.masters.map((master) => master.cpuSeconds);
    const busiest = Math.max(...cpus);
    const total = cpus.reduce((sum, cpu) => sum + cpu, 0);
    Object.assign(results, {
      [`cluster_k${run.partitions}_busiest_master_cpu_s`]: busiest,
      [`cluster_k${run.partitions}_masters_cpu_s`]: Math.round(total * 100) / 100,
      [`cluster_k${run.partitions}_articles`]: run.articles,
      [`cluster_k${run.partitions}_seconds`]: run.seconds,
    });
    row(
      `cluster K=${run.partitions}: busiest master / all masters CPU s`,
      `${busiest} / ${total.toFixed(2)}`,
    );
  }
  sections.push(['Redis CPU per master (`--only=cluster`):', '', ...clusterTable(runs)]);
});

await phase('e2e', async () => {
  const files = buildCorpus(pages, plan.corpusFiles, vocabulary);
  const megabytes = files.reduce((sum, file) => sum + Buffer.byteLength(file.text), 0) / 1e6;
  log(`e2e: ${files.length} files (${megabytes.toFixed(1)} MB) ingested into a fresh pipeline`);
  const report = await benchEndToEnd({ files, name: `${runName}-e2e`, cpuProfileDir: flags['cpu-prof'] });
  const e2e = report.figures;
  Object.assign(results, e2e, { e2e_corpus_mb: Math.round(megabytes * 10) / 10 });
  row(
    `e2e: files (${quick ? 'quick: 500' : 'full: 2000'}) / failed`,
    `${e2e.e2e_files} / ${e2e.e2e_files_failed}`,
  );
  row('e2e: articles found / documents', `${e2e.e2e_articles_found} / ${e2e.e2e_documents}`);
  row('e2e articles/s (documents searchable)', e2e.e2e_articles_per_s);
  row('bulk helper articles/s (same documents)', e2e.bulk_articles_per_s);
  row('e2e / bulk', e2e.e2e_vs_bulk_ratio, '>= 0.7');
  row('worker CPU ms per article found', e2e.worker_cpu_ms_per_article);
  row('Redis commands per article (commandstats, scripts inside)', e2e.redis_commands_per_article, '<= 3');
  row(
    '  sent by the clients, per article / script calls',
    `${e2e.redis_sent_commands_per_article} / ${e2e.redis_script_calls_per_article}`,
  );
  row('Redis bytes per settled file (jobs included)', e2e.redis_bytes_per_settled_file);
  row('  keys left / their bytes', `${e2e.redis_keys_left} / ${e2e.redis_key_bytes_left}`);
  row('worker peak RSS MB', e2e.worker_peak_rss_mb);
  row(
    'e2e CPU s: worker / ES / Redis / producer',
    [e2e.e2e_cpu_s_worker, e2e.e2e_cpu_s_elasticsearch, e2e.e2e_cpu_s_redis, e2e.e2e_cpu_s_producer].join(
      ' / ',
    ),
  );
  row('bulk CPU s: ES', e2e.bulk_cpu_s_elasticsearch);
  row(
    '  idle CPU s/s: others on ES / the own Redis',
    `${e2e.elasticsearch_idle_cpu_per_s} / ${e2e.redis_idle_cpu_per_s}`,
  );
  sections.push(cpuPerArticleTable(e2e), commandTables(report), keyTable(report));
  if (report.profile) sections.push(profileTable(report));
});

await phase('latency', async () => {
  // Variants no e2e run used, so the latency pipeline sees fresh content (it has its own index anyway).
  const files = buildCorpus(pages, plan.corpusFiles + pages.length * 2, vocabulary).slice(-pages.length * 2);
  log(`latency: ${plan.latencySamples} files dropped one at a time into a watched inbox`);
  const latency = await benchLatency({ files, samples: plan.latencySamples, name: `${runName}-latency` });
  Object.assign(results, latency);
  row(`latency p50 ms (${latency.latency_samples} files)`, latency.latency_p50_ms);
  row('latency p95 ms', latency.latency_p95_ms, '<= 1000');
  row('latency max ms / misses', `${latency.latency_max_ms} / ${latency.latency_misses}`);
});

await phase('soak', async () => {
  const total = plan.soakCheckpoints.at(-1) as number;
  log(
    `soak: ${total} varied files, dedup window ${plan.soakWindow}, Redis measured at ${plan.soakCheckpoints.join(', ')} files`,
  );
  const soak = await benchSoak({
    file: (n) => corpusFile(pages, n, vocabulary),
    checkpoints: plan.soakCheckpoints,
    window: plan.soakWindow,
    name: `${runName}-soak`,
    onBatch: (files, seconds) => {
      if (files % 1000 === 0) log(`soak: ${files} files settled after ${Math.round(seconds)} s`);
    },
  });
  const kb = (bytes: number) => (bytes / 1024).toFixed(0);
  Object.assign(results, {
    soak_window: plan.soakWindow,
    soak_seconds: Math.round(soak.seconds),
    soak_files: total,
    soak_articles_found: soak.articles,
    soak_documents: soak.documents,
    soak_files_failed: soak.failed,
    soak_memory_growth: memoryGrowth(soak.checkpoints),
    soak_files_forgotten: soak.forgotten,
    soak_cpu_s_worker: soak.workerCpuSeconds,
    soak_cpu_s_redis: soak.redisCpuSeconds,
  });
  row(
    `soak: files / failed / articles / documents (window ${plan.soakWindow})`,
    `${total} / ${soak.failed} / ${soak.articles} / ${soak.documents}`,
  );
  row(
    'soak: worker / Redis CPU s; files settled unread (ledger entry expired first)',
    `${soak.workerCpuSeconds} / ${soak.redisCpuSeconds}; ${soak.forgotten}`,
  );
  row('soak: seconds / files per s', `${Math.round(soak.seconds)} / ${(total / soak.seconds).toFixed(1)}`);
  for (const point of soak.checkpoints) {
    const label = `${point.files / 1000}k`;
    Object.assign(results, {
      [`soak_used_memory_${label}`]: point.usedMemory,
      [`soak_used_memory_absolute_${label}`]: point.usedMemoryAbsolute,
      [`soak_keys_${label}`]: point.keys,
      [`soak_bytes_per_file_ingested_${label}`]: point.bytesPerFileIngested,
      [`soak_ledger_bytes_per_file_${label}`]: point.ledgerBytesPerFile,
      [`soak_dedup_bytes_per_article_${label}`]: point.dedupBytesPerArticle,
      [`soak_seconds_${label}`]: point.seconds,
    });
    row(
      `soak at ${label} files: used KB (absolute) / keys / bytes per file ingested`,
      `${kb(point.usedMemory)} (${kb(point.usedMemoryAbsolute)}) / ${point.keys} / ${point.bytesPerFileIngested}`,
    );
  }
  const first = soak.checkpoints[0];
  const last = soak.checkpoints.at(-1);
  row(
    `soak: used memory growth from ${(first?.files ?? 0) / 1000}k to ${(last?.files ?? 0) / 1000}k files`,
    memoryGrowth(soak.checkpoints),
    'flat (~0, not files x4)',
  );
  // Redis holds one to two windows: its memory follows the files of the last windows, not the run.
  row(
    '  articles / files kept in Redis (signatures / ledger entries)',
    soak.checkpoints.map((point) => `${point.kinds['dedup-sig'].keys}/${point.kinds.ledger.keys}`).join(', '),
  );
  const kinds = Object.keys(soak.checkpoints[0]?.kinds ?? {});
  sections.push([
    `Soak: Redis keys by kind at each checkpoint (window ${plan.soakWindow}; keys / KB):`,
    `| files | seconds | used KB | ${kinds.join(' | ')} | ledger B/file | dedup B/article |`,
    `| --- | --- | --- | ${kinds.map(() => '---').join(' | ')} | --- | --- |`,
    ...soak.checkpoints.map(
      (point) =>
        `| ${point.files} | ${point.seconds} | ${kb(point.usedMemory)} | ${Object.values(point.kinds)
          .map((kind) => `${kind.keys} / ${kb(kind.bytes)}`)
          .join(' | ')} | ${point.ledgerBytesPerFile} | ${point.dedupBytesPerArticle} |`,
    ),
  ]);
});

await phase('reindex', async () => {
  const files = buildCorpus(pages, plan.reindexFiles, vocabulary);
  log(`reindex: ${files.length} files ingested into a fresh pipeline, then rebuilt from their folder`);
  const figures = await benchReindex({ files });
  Object.assign(results, figures);
  row(
    `reindex: files / articles / documents before / after`,
    [
      figures.reindex_files,
      figures.reindex_articles,
      figures.reindex_documents_before,
      figures.reindex_documents_after,
    ].join(' / '),
  );
  row(
    'reindex s per 1,000 pages (ingest of the same)',
    `${figures.reindex_s_per_1000_pages} (${figures.ingest_s_per_1000_pages})`,
  );
  row('  reindex / ingest, wall', figures.reindex_vs_ingest);
  row(
    '  CPU s per 1,000 pages, this process / ES (ingest)',
    `${figures.reindex_cpu_s_per_1000_pages} / ${figures.reindex_es_cpu_s_per_1000_pages} (${figures.ingest_cpu_s_per_1000_pages} / ${figures.ingest_es_cpu_s_per_1000_pages})`,
  );
  row('  searches of the old index per file (ids kept)', figures.reindex_old_index_searches_per_file);
  row('  old documents not kept (id and versions)', figures.reindex_documents_moved, '0');
});

await phase('hostile', () => {
  log('hostile: 3 deeply nested pages, 40 valid pages and an entity-heavy page through the extract sandbox');
  const hostile = benchHostile();
  Object.assign(results, hostile);
  row(
    'hostile: first valid page ms (alone)',
    `${hostile.hostile_first_valid_ms} (${hostile.hostile_first_valid_solo_ms})`,
  );
  row(
    `hostile: all ${hostile.hostile_valid_files} valid pages ms (alone)`,
    `${hostile.hostile_all_valid_ms} (${hostile.hostile_all_valid_solo_ms})`,
  );
  row(
    'hostile: one valid page p50 / max ms (alone p50)',
    `${hostile.hostile_valid_p50_ms} / ${hostile.hostile_valid_max_ms} (${hostile.hostile_valid_solo_p50_ms})`,
  );
  row(
    'hostile: slowest hostile page failed after s (limit)',
    `${(hostile.hostile_slowest_failure_ms / 1000).toFixed(1)} (${hostile.hostile_time_limit_ms / 1000})`,
  );
  row(
    'hostile: worker peak RSS MB (valid pages alone)',
    `${hostile.hostile_worker_peak_rss_mb} (${hostile.hostile_worker_peak_rss_solo_mb})`,
  );
  sections.push([
    'Hostile pages (code, failed after):',
    ...hostile.hostile_outcomes.split('; ').map((line) => `  ${line}`),
  ]);
});

const width = Math.max(...table.map(([name]) => name.length));
const lines = table.map(([name, value, target]) =>
  `${name.padEnd(width)}  ${value.padStart(14)}  ${target ? `target ${target}` : ''}`.trimEnd(),
);
console.log(
  [
    `Sluice benchmarks (${results.mode}), ${results.date}`,
    machine.machine_summary,
    '',
    ...lines,
    ...sections.flatMap((section) => ['', ...section]),
  ].join('\n'),
);
const resultsDir = new URL('./results/', import.meta.url).pathname;
mkdirSync(resultsDir, { recursive: true });
writeFileSync(
  join(resultsDir, `${String(results.date).replace(/:/g, '-')}.json`),
  `${JSON.stringify(results, null, 1)}\n`,
);
console.log(JSON.stringify(results));
if (floorFailed.length > 0) {
  console.error(
    `Quality floor failed: worse than bench/quality-baseline.json by more than ${FLOOR_TOLERANCE}:`,
  );
  for (const failure of floorFailed) console.error(`  ${failure}`);
  process.exitCode = 1;
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, {
      cwd: new URL('..', import.meta.url).pathname,
      encoding: 'utf8',
    }).trim();
  } catch {
    return '';
  }
}

/** The machine and the code measured; the service versions only when a phase uses the services. */
async function describeMachine(withServices: boolean) {
  const facts = {
    // Others edit the tree while benchmarks run: say which code was measured.
    git_commit: git(['rev-parse', '--short', 'HEAD']),
    git_modified_files: git(['status', '--porcelain', '--untracked-files=no']).split('\n').filter(Boolean)
      .length,
    machine_cpus: availableParallelism(),
    machine_memory_gb: Math.round(totalmem() / 2 ** 30),
    machine_load_1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    node_version: process.version,
  };
  const summary = `commit ${facts.git_commit} (+${facts.git_modified_files} modified files); ${facts.machine_cpus} CPUs, ${facts.machine_memory_gb} GB, load ${facts.machine_load_1m}; Node ${facts.node_version}`;
  if (!withServices) return { ...facts, machine_summary: summary };
  const config = loadConfig();
  const elasticsearch = createElasticsearch(config);
  const redis = createRedis(config.redisUrl);
  try {
    const es = await elasticsearch.info();
    const redisInfo = await redis.info('server');
    const redisVersion = /^redis_version:(\S+)/m.exec(redisInfo)?.[1] ?? 'unknown';
    return {
      ...facts,
      elasticsearch_version: es.version.number,
      redis_version: redisVersion,
      machine_summary: `${summary}, Elasticsearch ${es.version.number}, Redis ${redisVersion}`,
    };
  } finally {
    await redis.quit();
    await elasticsearch.close();
  }
}
