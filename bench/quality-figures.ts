/**
 * The figures of the quality benchmark: which exist, which way is better, and how they are
 * printed. Figures are one flat map of JSON keys, `quality_<set>_<figure>` for the whole set
 * and `..._a` / `..._b` for its site-disjoint halves: the same map goes into the JSON line,
 * the results file and the committed baseline.
 */
import { HALVES, type Half } from './site-halves.ts';

/**
 * How the floor treats a figure: `higher` / `lower` is better (a drop / a rise past the
 * tolerance fails), `perfect` must be exactly 1 whatever the baseline, `none` is only reported.
 */
export type Better = 'higher' | 'lower' | 'perfect' | 'none';

export interface FigureSpec {
  /** Part of the JSON key: `quality_<set>_<name>`. */
  name: string;
  label: string;
  better: Better;
  /** Printed as a count instead of a three-decimal share. */
  count?: boolean;
}

export interface SetSpec {
  /** Part of the JSON key; also names the set in bench/quality.bench.ts. */
  key: SetKey;
  label: string;
  figures: readonly FigureSpec[];
}

export type SetKey =
  | 'article_text'
  | 'article_html'
  | 'snippet_text'
  | 'snippet_html'
  | 'readability'
  | 'aggregator'
  | 'seed';

/** The whole set or one of its halves. */
export type Part = 'all' | Half;
export const PARTS: readonly Part[] = ['all', ...HALVES];

/** Flat figures as printed in the JSON line and stored in the baseline. */
export type QualityFigures = Record<string, number>;

const pages: FigureSpec = { name: 'pages', label: 'pages', better: 'none', count: true };
const snippetFigures = (better: Better): FigureSpec[] => [
  { name: 'precision', label: 'precision', better },
  { name: 'recall', label: 'recall', better },
  { name: 'f1', label: 'F1', better },
];

/** Every figure, set by set, in the order the table prints them. */
export const QUALITY_SETS: readonly SetSpec[] = [
  {
    key: 'article_text',
    label: 'article-bench text dumps',
    figures: [
      pages,
      { name: 'body_precision', label: 'body precision', better: 'higher' },
      { name: 'body_recall', label: 'body recall', better: 'higher' },
      { name: 'body_f1', label: 'body F1', better: 'higher' },
      { name: 'title_accuracy', label: 'headline accuracy', better: 'higher' },
      { name: 'extra_articles', label: 'extra articles (fewer is better)', better: 'lower', count: true },
      { name: 'pages_with_extras', label: 'pages with extra articles', better: 'lower', count: true },
    ],
  },
  {
    key: 'article_html',
    label: 'article-bench HTML',
    figures: [
      pages,
      { name: 'body_f1', label: 'body F1', better: 'higher' },
      { name: 'title_accuracy', label: 'headline accuracy', better: 'higher' },
    ],
  },
  { key: 'snippet_text', label: 'snippet-bench text dumps', figures: [pages, ...snippetFigures('higher')] },
  { key: 'snippet_html', label: 'snippet-bench HTML', figures: [pages, ...snippetFigures('higher')] },
  {
    key: 'readability',
    label: 'snippet-bench HTML, Readability.js alone (reference, no floor)',
    figures: snippetFigures('none'),
  },
  {
    key: 'aggregator',
    label: 'aggregator pages',
    figures: [
      pages,
      { name: 'article_recall', label: 'article recall', better: 'higher' },
      { name: 'article_precision', label: 'article precision', better: 'higher' },
      { name: 'body_f1', label: 'body F1 (found articles)', better: 'higher' },
      { name: 'title_accuracy', label: 'titles (found articles)', better: 'higher' },
    ],
  },
  {
    key: 'seed',
    label: 'seed page',
    figures: [
      pages,
      { name: 'articles', label: 'articles found', better: 'none', count: true },
      { name: 'expected_articles', label: 'articles expected', better: 'none', count: true },
      // Recall and precision 1 mean exactly the expected articles, each found once.
      { name: 'article_recall', label: 'article recall (must be 1)', better: 'perfect' },
      { name: 'article_precision', label: 'article precision (must be 1)', better: 'perfect' },
      { name: 'title_accuracy', label: 'titles (found articles)', better: 'higher' },
    ],
  },
];

export function figureKey(set: SetKey, figure: string, part: Part): string {
  return `quality_${set}_${figure}${part === 'all' ? '' : `_${part.toLowerCase()}`}`;
}

export interface KeyMeaning {
  set: SetSpec;
  figure: FigureSpec;
  part: Part;
}

/** What each figure key stands for. */
export const KEY_MEANINGS: ReadonlyMap<string, KeyMeaning> = new Map(
  QUALITY_SETS.flatMap((set) =>
    set.figures.flatMap((figure) =>
      PARTS.map((part) => [figureKey(set.key, figure.name, part), { set, figure, part }] as const),
    ),
  ),
);

/** The reference figures (Readability.js alone) among these figures. */
export function referenceFigures(figures: QualityFigures): QualityFigures {
  return Object.fromEntries(
    Object.entries(figures).filter(([key]) => KEY_MEANINGS.get(key)?.set.key === 'readability'),
  );
}

/** One figure, for people: three decimals or a count; "-" when the part has no such figure. */
export function formatFigure(value: number | undefined, figure: FigureSpec): string {
  if (value === undefined) return '-';
  return figure.count ? String(value) : value.toFixed(3);
}

/** The quality table: one line per figure, with columns for the whole set and each half. */
export function formatQualityTable(figures: QualityFigures): string[] {
  const width = Math.max(...QUALITY_SETS.flatMap((set) => set.figures.map((f) => f.label.length))) + 2;
  const cell = (text: string) => text.padStart(7);
  const lines = [`${'Quality (shared scorers)'.padEnd(width)}${['whole', 'A', 'B'].map(cell).join('')}`];
  for (const set of QUALITY_SETS) {
    lines.push(set.label);
    for (const figure of set.figures) {
      const values = PARTS.map((part) =>
        formatFigure(figures[figureKey(set.key, figure.name, part)], figure),
      );
      lines.push(`  ${figure.label.padEnd(width - 2)}${values.map(cell).join('')}`);
    }
  }
  return lines;
}
