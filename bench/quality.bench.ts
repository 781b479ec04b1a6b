/**
 * Extraction quality on every shared set (../shared/data), scored by the shared scorers
 * (../shared/tools), for the whole set and for its two site-disjoint halves (site-halves.ts):
 * article-bench text dumps and HTML, snippet-bench text dumps and HTML (and Readability.js alone
 * on the same HTML, for reference), the aggregator pages and the seed page.
 *
 * `extractArticles` runs in-process as the extract worker runs it, in a few fresh processes that
 * take every n-th page of each set; the scorers read what they would read from
 * `sluice extract --jsonl` (and the predictions made from it), written to a temporary folder.
 *
 *   npm run bench -- --only=quality [--reference] [--floor | --write-baseline]
 *   node --import tsx bench/quality.bench.ts [--reference]     (figures as one JSON line)
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../lib/errors.ts';
import { siteOf } from '../lib/net.ts';
import { extractPage } from '../workers/extract/extract-articles.ts';
import type { ChromeKey, KnownChrome } from '../workers/extract/learned-chrome.ts';
import { figureKey, KEY_MEANINGS, type Part, type QualityFigures, type SetKey } from './quality-figures.ts';
import { readabilityText } from './readability-alone.ts';
import { splitHalves } from './site-halves.ts';

export interface QualityBenchOptions {
  /** The shared data folder; default `../shared/data` beside the checkout. */
  dataDir?: string;
  /** The shared scorers; default `../shared/tools` beside the checkout. */
  toolsDir?: string;
  /** Processes extracting (and scorers running) at once; default one per CPU. */
  processes?: number;
  /**
   * Also run Readability.js alone on the snippet-bench HTML, for reference. Default false: it
   * costs as much CPU as the rest together, and its figures do not depend on Sluice's code.
   */
  reference?: boolean;
}

export interface QualityBenchResult {
  figures: QualityFigures;
  /** Wall time of the whole benchmark. */
  seconds: number;
}

/** What a page gave: its articles as `sluice extract --jsonl` prints them (none when refused). */
export interface PageArticles {
  articles: Array<{ title: string; body: string; primary: boolean }>;
}

/** One run of a shared scorer over a set: its truth file and which of its printed figures are kept. */
interface Scoring {
  script: string;
  /** Relative to the data folder. */
  truth: string;
  /** The JSON lines of the extraction (`jsonl`) or `{ id: { articleBody } }` of the primary bodies. */
  reads: 'jsonl' | 'bodies';
  /** The scorer's printed name of a figure -> the figure's name in quality-figures.ts. */
  figures: Record<string, string>;
}

interface QualitySet {
  key: SetKey;
  /** `extract`: the project's extraction; `readability`: Readability.js's textContent alone. */
  reader: 'extract' | 'readability';
  /** The page ids: keys of this truth file (relative to the data folder) not starting with "_". */
  ids: string;
  /** The page file of an id, relative to the data folder; `.gz` ones are gunzipped. */
  file: (id: string) => string;
  /** The name extraction sees (its extension is the format hint) and the scorers match. */
  fileName: (id: string) => string;
  /** What an id is halved by: its site, read from the truth, or its file name. */
  halfKey: (id: string, truth: Record<string, { url?: string }>) => string;
  scorings: Scoring[];
}

const bySite = (id: string, truth: Record<string, { url?: string }>) => siteOf(truth[id]?.url) ?? id;
const byFileName = (id: string) => id;
const extraction = (truth: string): Scoring => ({
  script: 'score-extraction.mjs',
  truth,
  reads: 'bodies',
  figures: { precision: 'body_precision', recall: 'body_recall', F1: 'body_f1' },
});
const titles: Scoring = {
  script: 'score-titles.mjs',
  truth: 'article-bench/titles.json',
  reads: 'jsonl',
  figures: {
    title_accuracy: 'title_accuracy',
    extra_articles: 'extra_articles',
    pages_with_extras: 'pages_with_extras',
  },
};
const snippets: Scoring = {
  script: 'score-snippets.mjs',
  truth: 'snippet-bench/truth.json',
  reads: 'bodies',
  figures: { precision: 'precision', recall: 'recall', F1: 'f1' },
};
const segmentation = (truth: string): Scoring => ({
  script: 'score-segmentation.mjs',
  truth,
  reads: 'jsonl',
  figures: {
    article_recall: 'article_recall',
    article_precision: 'article_precision',
    body_f1: 'body_f1',
    title_accuracy: 'title_accuracy',
    predicted: 'articles',
    articles_expected: 'expected_articles',
  },
});

const snippetHtml: Omit<QualitySet, 'key' | 'reader'> = {
  ids: 'snippet-bench/truth.json',
  file: (id) => `snippet-bench/html/${id}.html.gz`,
  fileName: (id) => `${id}.html`,
  halfKey: bySite,
  scorings: [snippets],
};

/** How each set of quality-figures.ts is read, extracted and scored. */
const SETS: readonly QualitySet[] = [
  {
    key: 'article_text',
    reader: 'extract',
    ids: 'article-bench/ground-truth.json',
    file: (id) => `article-bench/pages/${id}.txt`,
    fileName: (id) => `${id}.txt`,
    halfKey: bySite,
    scorings: [extraction('article-bench/ground-truth.json'), titles],
  },
  {
    key: 'article_html',
    reader: 'extract',
    ids: 'article-bench/ground-truth.json',
    file: (id) => `article-bench/html/${id}.html.gz`,
    fileName: (id) => `${id}.html`,
    halfKey: bySite,
    scorings: [extraction('article-bench/ground-truth.json'), titles],
  },
  {
    key: 'snippet_text',
    reader: 'extract',
    ids: 'snippet-bench/truth.json',
    file: (id) => `snippet-bench/pages/${id}.txt`,
    fileName: (id) => `${id}.txt`,
    halfKey: bySite,
    scorings: [snippets],
  },
  { key: 'snippet_html', reader: 'extract', ...snippetHtml },
  // The same pages through Readability.js alone.
  { key: 'readability', reader: 'readability', ...snippetHtml },
  {
    key: 'aggregator',
    reader: 'extract',
    ids: 'aggregator-pages/expected.json',
    file: (id) => `aggregator-pages/pages/${id}`,
    fileName: byFileName,
    halfKey: byFileName,
    scorings: [segmentation('aggregator-pages/expected.json')],
  },
  {
    key: 'seed',
    reader: 'extract',
    ids: 'seed/expected.json',
    file: (id) => `seed/${id}`,
    fileName: byFileName,
    halfKey: byFileName,
    scorings: [segmentation('seed/expected.json')],
  },
];

const SHARD_FLAG = '--shard';
/** Any fixed time: relative publish times resolve against it, and no figure depends on it. */
const CAPTURED_AT = new Date('2025-07-27T12:00:00Z');
const run = promisify(execFile);

/** Extracts every set in `processes` fresh processes, scores it and returns the figures. */
export async function benchQuality(options: QualityBenchOptions = {}): Promise<QualityBenchResult> {
  const start = performance.now();
  const dataDir = options.dataDir ?? fileURLToPath(new URL('../../shared/data/', import.meta.url));
  const toolsDir = options.toolsDir ?? fileURLToPath(new URL('../../shared/tools/', import.meta.url));
  const processes = options.processes ?? availableParallelism();
  const sets = SETS.filter((set) => options.reference === true || set.reader !== 'readability');
  const script = fileURLToPath(import.meta.url);
  const shards = await Promise.all(
    Array.from({ length: processes }, async (_, shard) => {
      const { stdout } = await run(
        process.execPath,
        [
          '--import',
          'tsx',
          script,
          SHARD_FLAG,
          JSON.stringify({ dataDir, sets: sets.map((set) => set.key), shard, shards: processes }),
        ],
        // From the repository root, where the tsx loader is installed.
        { cwd: fileURLToPath(new URL('..', import.meta.url)), maxBuffer: 1 << 30 },
      );
      return JSON.parse(stdout) as SetOutputs;
    }),
  );

  const outputs = {} as SetOutputs;
  for (const set of sets)
    outputs[set.key] = Object.assign({}, ...shards.map((shard) => shard[set.key])) as SetOutputs[SetKey];
  const figures = await scoreSets(outputs, { dataDir, toolsDir, processes });
  return { figures, seconds: Math.round((performance.now() - start) / 100) / 10 };
}

/** What each page of some sets gave, by set and page id. */
export type SetOutputs = Record<SetKey, Record<string, PageArticles>>;

/**
 * The figures of the sets in `outputs` (whole set and site-disjoint halves), scored by the
 * shared scorers, `processes` at once; a page missing from a set's outputs counts as refused.
 */
export async function scoreSets(
  outputs: Partial<SetOutputs>,
  options: { dataDir: string; toolsDir: string; processes: number },
): Promise<QualityFigures> {
  const { dataDir, toolsDir, processes } = options;
  const work = mkdtempSync(join(tmpdir(), 'sluice-quality-'));
  const truths = new Map<string, Record<string, unknown>>();
  const truthOf = (file: string) => {
    const truth = truths.get(file) ?? readJson(join(dataDir, file));
    truths.set(file, truth);
    return truth;
  };
  try {
    const jobs: Array<() => Promise<QualityFigures>> = [];
    const figures: QualityFigures = {};
    for (const set of SETS.filter((candidate) => outputs[candidate.key] !== undefined)) {
      const idsTruth = truthOf(set.ids);
      const ids = pageIds(idsTruth);
      const parts: Record<Part, string[]> = {
        all: ids,
        ...splitHalves(ids, (id) => set.halfKey(id, idsTruth as Record<string, { url?: string }>)),
      };
      const predictions = writePredictions(work, set, ids, outputs[set.key] ?? {});
      for (const [part, partIds] of Object.entries(parts) as Array<[Part, string[]]>) {
        figures[figureKey(set.key, 'pages', part)] = partIds.length;
        if (partIds.length === 0) continue;
        for (const scoring of set.scorings) {
          const truth = join(work, `${set.key}-${part}-${scoring.script}.truth.json`);
          writeFileSync(truth, JSON.stringify(subset(truthOf(scoring.truth), partIds)));
          const reads = predictions[scoring.reads];
          jobs.push(async () =>
            pickFigures(set.key, part, scoring, await score(toolsDir, scoring, truth, reads)),
          );
        }
      }
    }
    for (const scored of await inPool(jobs, processes)) Object.assign(figures, scored);
    return keepSpecified(figures);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** A page of a set as extraction reads it. */
export interface SetPage {
  id: string;
  /** The name extraction sees (its extension is the format hint). */
  fileName: string;
  /** Reads the page's bytes (gunzipped). */
  read: () => Uint8Array;
}

/** Every page of a set, in the order of its truth file. */
export function setPages(key: SetKey, dataDir: string): SetPage[] {
  const set = SETS.find((candidate) => candidate.key === key) as QualitySet;
  return pageIds(readJson(join(dataDir, set.ids))).map((id) => {
    const file = set.file(id);
    const read = () => {
      const raw = readFileSync(join(dataDir, file));
      return new Uint8Array(file.endsWith('.gz') ? gunzipSync(raw) : raw);
    };
    return { id, fileName: set.fileName(id), read };
  });
}

/** One process's share of the pages: every `shards`-th page of each set, from the `shard`-th on. */
function extractShard(dataDir: string, sets: SetKey[], shard: number, shards: number) {
  const outputs = {} as SetOutputs;
  for (const set of SETS.filter((candidate) => sets.includes(candidate.key))) {
    const pages = setPages(set.key, dataDir);
    const mine: Record<string, PageArticles> = {};
    for (let i = shard; i < pages.length; i += shards) {
      const { id, fileName, read } = pages[i] as SetPage;
      mine[id] = set.reader === 'readability' ? readabilityAlone(read()) : extracted(read(), fileName);
    }
    outputs[set.key] = mine;
  }
  return outputs;
}

function extracted(bytes: Uint8Array, fileName: string): PageArticles {
  return extractedPage(bytes, fileName).output;
}

/** A page through `extractPage` as the extract worker runs it, with the keys learning counts of it. */
export function extractedPage(
  bytes: Uint8Array,
  fileName: string,
  knownChrome?: KnownChrome,
): { output: PageArticles; chromeKeys: ChromeKey[] } {
  try {
    const { articles, chromeKeys } = extractPage(bytes, { fileName, capturedAt: CAPTURED_AT, knownChrome });
    return {
      output: { articles: articles.map(({ title, body, primary }) => ({ title, body, primary })) },
      chromeKeys,
    };
  } catch (error) {
    // A page without an article is an outcome (the worker reports INPUT_NO_ARTICLES), not a crash.
    if (error instanceof InputError) return { output: { articles: [] }, chromeKeys: [] };
    throw new Error(`Extraction crashed on ${fileName}: ${(error as Error).message}`, { cause: error });
  }
}

/** Readability.js alone on the page (bench/readability-alone.ts), as one primary article. */
function readabilityAlone(bytes: Uint8Array): PageArticles {
  const body = readabilityText(bytes);
  return { articles: body ? [{ title: '', body, primary: true }] : [] };
}

/** The extraction as the scorers read it: JSON lines for some, the primary bodies for others. */
function writePredictions(
  work: string,
  set: QualitySet,
  ids: string[],
  outputs: Record<string, PageArticles>,
): Record<Scoring['reads'], string> {
  const jsonl = join(work, `${set.key}.jsonl`);
  const bodies = join(work, `${set.key}.bodies.json`);
  writeFileSync(
    jsonl,
    ids
      .map((id) => `${JSON.stringify({ file: set.fileName(id), articles: outputs[id]?.articles ?? [] })}\n`)
      .join(''),
  );
  const primaryBody = (id: string) => outputs[id]?.articles.find((article) => article.primary)?.body ?? '';
  writeFileSync(
    bodies,
    JSON.stringify(Object.fromEntries(ids.map((id) => [id, { articleBody: primaryBody(id) }]))),
  );
  return { jsonl, bodies };
}

/** The figures a scorer printed on its last line (`name=value ...`). */
async function score(toolsDir: string, scoring: Scoring, truth: string, predictions: string) {
  const { stdout } = await run(process.execPath, [join(toolsDir, scoring.script), truth, predictions], {
    maxBuffer: 1 << 26,
  });
  const last = stdout.trim().split('\n').at(-1) ?? '';
  return Object.fromEntries(last.split(/\s+/).map((pair) => pair.split('=') as [string, string]));
}

function pickFigures(set: SetKey, part: Part, scoring: Scoring, printed: Record<string, string>) {
  const figures: QualityFigures = {};
  for (const [printedName, name] of Object.entries(scoring.figures)) {
    const value = Number(printed[printedName]);
    if (printed[printedName] === undefined || !Number.isFinite(value)) {
      throw new Error(
        `${scoring.script} printed no ${printedName} for ${set} (${part}): ${JSON.stringify(printed)}`,
      );
    }
    figures[figureKey(set, name, part)] = value;
  }
  return figures;
}

/** Only the figures quality-figures.ts names (a scorer prints more than a set reports), in its order. */
function keepSpecified(figures: QualityFigures): QualityFigures {
  return Object.fromEntries(
    [...KEY_MEANINGS.keys()].filter((key) => key in figures).map((key) => [key, figures[key] as number]),
  );
}

/** Runs the jobs, at most `size` at once; results in the jobs' order. */
async function inPool<T>(jobs: Array<() => Promise<T>>, size: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const at = next++;
      results[at] = await (jobs[at] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, size) }, lane));
  return results;
}

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
const pageIds = (truth: Record<string, unknown>) => Object.keys(truth).filter((key) => !key.startsWith('_'));
const subset = (truth: Record<string, unknown>, ids: string[]) =>
  Object.fromEntries(ids.map((id) => [id, truth[id]]));

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf(SHARD_FLAG);
  if (at === -1) {
    console.log(JSON.stringify(await benchQuality({ reference: process.argv.includes('--reference') })));
  } else {
    const { dataDir, sets, shard, shards } = JSON.parse(process.argv[at + 1] as string);
    process.stdout.write(JSON.stringify(extractShard(dataDir, sets, shard, shards)));
  }
}
