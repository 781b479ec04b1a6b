/**
 * Learned chrome (issue 12, item 4; workers/extract/learned-chrome.ts): the aggregator pages and
 * the snippet-bench text dumps ingested together in one shuffled order (a fixed seed), as one
 * pipeline would see them, and scored by the shared scorers (whole sets and site-disjoint halves)
 * three ways:
 * - `off`: every page alone, nothing learned (SLUICE_LEARN_CHROME=off; the quality bench's figures);
 * - `on`: in that order, each page with what the pages before it taught, then counted itself,
 *   as the pipeline learns (the first pages of a site learn from none);
 * - `first`: every page counted first, then each extracted with what all the others taught, as
 *   `sluice extract FILE...` does.
 * Counting is ChromeCounts in memory, the rules chrome-store.ts keeps in Redis.
 *
 *   npm run bench -- --only=chrome
 *   node --import tsx bench/chrome.bench.ts     (figures as one JSON line)
 */
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ChromeCounts } from '../workers/extract/chrome-counts.ts';
import { extractedPage, type PageArticles, type SetPage, scoreSets, setPages } from './quality.bench.ts';
import { figureKey, PARTS, QUALITY_SETS, type QualityFigures, type SetKey } from './quality-figures.ts';

export const CHROME_MODES = ['off', 'on', 'first'] as const;
export type ChromeMode = (typeof CHROME_MODES)[number];

/** The sets ingested together: text dumps only (learning reads lines; HTML goes another way). */
const CHROME_SETS: readonly SetKey[] = ['aggregator', 'snippet_text'];

export interface ChromeBenchOptions {
  dataDir?: string;
  toolsDir?: string;
  /** Seed of the shuffle; default 12. */
  seed?: number;
}

export interface ChromeBenchResult {
  /** Quality figures (quality-figures.ts keys) of each mode. */
  figures: Record<ChromeMode, QualityFigures>;
  pages: number;
  /** Keys counted, and known as chrome, after the last page. */
  keysKept: number;
  keysKnown: number;
}

interface Page extends SetPage {
  set: SetKey;
  hash: string;
  bytes: Uint8Array;
}

export async function benchChrome(options: ChromeBenchOptions = {}): Promise<ChromeBenchResult> {
  const dataDir = options.dataDir ?? fileURLToPath(new URL('../../shared/data/', import.meta.url));
  const toolsDir = options.toolsDir ?? fileURLToPath(new URL('../../shared/tools/', import.meta.url));
  const pages: Page[] = shuffled(
    CHROME_SETS.flatMap((set) =>
      setPages(set, dataDir).map((page) => {
        const bytes = page.read();
        return { ...page, set, bytes, hash: createHash('sha256').update(bytes).digest('hex') };
      }),
    ),
    options.seed ?? 12,
  );
  // One instant for the whole run: decay is a matter of weeks, an ingest of minutes.
  const now = Date.now();
  const outputs = Object.fromEntries(
    CHROME_MODES.map((mode) => [mode, Object.fromEntries(CHROME_SETS.map((set) => [set, {}]))]),
  ) as Record<ChromeMode, Record<SetKey, Record<string, PageArticles>>>;

  const learning = new ChromeCounts();
  const learnedFirst = new ChromeCounts();
  for (const page of pages) {
    // Nothing known is the same extraction as no learning, with the keys to count.
    const alone = extractedPage(page.bytes, page.fileName, new Set());
    outputs.off[page.set][page.id] = alone.output;
    learnedFirst.count(page.hash, alone.chromeKeys, now);
    const taught = extractedPage(page.bytes, page.fileName, learning.known(now));
    outputs.on[page.set][page.id] = taught.output;
    learning.count(page.hash, taught.chromeKeys, now);
  }
  for (const page of pages) {
    outputs.first[page.set][page.id] = extractedPage(
      page.bytes,
      page.fileName,
      learnedFirst.known(now, page.hash),
    ).output;
  }

  const scoring = { dataDir, toolsDir, processes: availableParallelism() };
  const figures = {} as Record<ChromeMode, QualityFigures>;
  for (const mode of CHROME_MODES) figures[mode] = await scoreSets(outputs[mode], scoring);
  return { figures, pages: pages.length, keysKept: learning.size, keysKnown: learning.known(now).size };
}

/** The pages in a fixed pseudo-random order (Fisher-Yates on mulberry32). */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** The figures of every mode side by side: whole, A, B for each. */
export function formatChromeTable(result: ChromeBenchResult): string[] {
  const specs = QUALITY_SETS.filter((set) => CHROME_SETS.includes(set.key));
  const width = Math.max(...specs.flatMap((set) => set.figures.map((f) => f.label.length))) + 2;
  const cell = (text: string) => text.padStart(7);
  const head = CHROME_MODES.flatMap((mode) => PARTS.map((part) => (part === 'all' ? mode : part)));
  const lines = [
    `Learned chrome: ${result.pages} pages in one shuffled order (${result.keysKnown} of ${result.keysKept} keys known at the end)`,
    `${''.padEnd(width)}${head.map(cell).join('')}`,
  ];
  for (const set of specs) {
    lines.push(set.label);
    for (const figure of set.figures) {
      const values = CHROME_MODES.flatMap((mode) =>
        PARTS.map((part) => {
          const value = result.figures[mode][figureKey(set.key, figure.name, part)];
          return value === undefined ? '-' : figure.count ? String(value) : value.toFixed(3);
        }),
      );
      lines.push(`  ${figure.label.padEnd(width - 2)}${values.map(cell).join('')}`);
    }
  }
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await benchChrome();
  console.log(formatChromeTable(result).join('\n'));
  console.log(JSON.stringify(result));
}
