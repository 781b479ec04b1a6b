/**
 * The page's own title. A text dump opens with the page's `<title>` ("Headline - Site",
 * "Site | Headline", "Headline | Section | Site"); the body shows the headline again, with or
 * without the site part, sometimes reworded a little. The line that matches the title is the
 * article's headline and anchors the primary article; when the body never shows it, the
 * title without its site part is the headline.
 */
import type { PageLine } from './page-lines.ts';

/** Tuning of title matching, with the reason for each value. */
export const PAGE_TITLE_DEFAULTS = {
  /** A body line is the headline when its words match the title's at this word F1 (the title-scorer's bar). */
  minMatch: 0.8,
  /** A title of fewer words is a site name or a section ("Home", "Startseite"), not a headline. */
  minTitleWords: 2,
  /** An edge part of the title of at most this many words, shorter than the rest, is the site name. */
  maxSiteWords: 5,
  /** A line of fewer words never repeats a title: a single word matches one by chance. */
  minLineWords: 2,
  /**
   * Separators between a headline and the site name or section in a `<title>`; not a colon:
   * headlines have their own ("Business Focus: …"), French ones spaced ("Titre : …").
   */
  partSeparator: /\s+(?:[-|–—·»›]{1,2}|::)\s+/gu,
};

export interface PageTitle {
  /** Index of the title line (the page's first non-blank line). */
  index: number;
  /** The title line as written. */
  text: string;
  /**
   * Whether it stands apart (a blank line under it): the page's `<title>`, repeated by a
   * headline further down; else the page opens with its article's own headline.
   */
  apart: boolean;
  /** The title without its site name and section parts. */
  headline: string;
  /** Words of the longest part, the headline's core (every run below holds it). */
  coreWords: number;
  /** Words of the whole title. */
  allWords: number;
  /** The words of each run of the title's parts that holds the core (sorted hashes): what a line may repeat. */
  runs: readonly Int32Array[];
  /** Every word of the title. */
  vocabulary: ReadonlySet<number>;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;
const UNSEEN = 0;
const NOT_A_WORD_CHAR = 0xffff;
/** Each BMP code unit's lower-case code, or NOT_A_WORD_CHAR; filled on first sight. */
const FOLDED = new Uint16Array(0x10000);

/** The lower-case code of a letter or digit, NOT_A_WORD_CHAR for anything else. */
function wordCharCode(code: number): number {
  const folded = FOLDED[code] as number;
  if (folded !== UNSEEN) return folded;
  const char = String.fromCharCode(code);
  const lower = char.toLowerCase();
  // A surrogate half stands for an astral letter often enough (CJK extensions) to count as one.
  const word = (code >= 0xd800 && code <= 0xdfff) || WORD_CHAR.test(char);
  const value = !word ? NOT_A_WORD_CHAR : lower.length === 1 ? lower.charCodeAt(0) : code;
  FOLDED[code] = value;
  return value;
}

/**
 * Calls `onWord` with each word of a text (a run of letters and digits, as the title scorer
 * counts them, case folded) as a 32-bit hash, from one scan of char codes, until it returns
 * false. Lines near the title's length are all compared with it: strings and Unicode-property
 * regexes per line cost several times more.
 */
function forEachWord(text: string, onWord: (hash: number) => boolean): void {
  let hash = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const code = wordCharCode(text.charCodeAt(i));
    if (code === NOT_A_WORD_CHAR) {
      if (inWord && !onWord(hash)) return;
      inWord = false;
      continue;
    }
    // FNV-1a over the folded char codes.
    hash = Math.imul((inWord ? hash : 0x811c9dc5) ^ code, 0x01000193) | 0;
    inWord = true;
  }
  if (inWord) onWord(hash);
}

function wordsOf(text: string): number[] {
  const words: number[] = [];
  forEachWord(text, (hash) => words.push(hash) > 0);
  return words;
}

/** Where the title's parts between separators (" - ", " | ", " – "...) start and end, in order. */
function splitParts(text: string, separator: RegExp): Array<{ start: number; end: number }> {
  const parts: Array<{ start: number; end: number }> = [];
  let last = 0;
  separator.lastIndex = 0;
  for (let match = separator.exec(text); match !== null; match = separator.exec(text)) {
    if (match.index > last) parts.push({ start: last, end: match.index });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ start: last, end: text.length });
  return parts;
}

/**
 * How many of the title's parts (by their word counts) to keep without site name and section:
 * `[from, to)`. Trailing parts that are short and shorter than what precedes them go
 * ("Headline | Section | Site"); failing that, one such leading part ("Site | Headline").
 */
function withoutSite(words: readonly number[], maxSiteWords: number): [number, number] {
  let end = words.length;
  while (end > 1) {
    const last = words[end - 1] as number;
    if (last > maxSiteWords || last >= sumOf(words, 0, end - 1)) break;
    end--;
  }
  if (end < words.length) return [0, end];
  const first = words[0] as number;
  if (words.length > 1 && first <= maxSiteWords && first < sumOf(words, 1, words.length))
    return [1, words.length];
  return [0, words.length];
}

function sumOf(values: readonly number[], from: number, to: number): number {
  let sum = 0;
  for (let k = from; k < to; k++) sum += values[k] as number;
  return sum;
}

/** The words of parts [from, to) in one array (Array.prototype.flat costs ~10x more). */
function joinWords(partWords: readonly number[][], from: number, to: number): Int32Array {
  let length = 0;
  for (let k = from; k < to; k++) length += (partWords[k] as number[]).length;
  const words = new Int32Array(length);
  for (let k = from, at = 0; k < to; k++) {
    words.set(partWords[k] as number[], at);
    at += (partWords[k] as number[]).length;
  }
  return words;
}

/** The page's title line, or null when the page opens with no title (a menu, a site name). */
export function readPageTitle(lines: readonly PageLine[], options = PAGE_TITLE_DEFAULTS): PageTitle | null {
  const index = lines.findIndex((line) => line.text.length > 0);
  const line = lines[index];
  // Repetition may have junked it (a title shown three times is furniture by count), but
  // chrome, a byline or a publish time is no title: the page opens with its article instead.
  if (line === undefined || line.chrome || line.byline || line.meta !== null) return null;
  if (line.words < options.minTitleWords) return null;
  const parts = splitParts(line.text, options.partSeparator);
  const partWords = parts.map(({ start, end }) => wordsOf(line.text.slice(start, end)));
  const counts = partWords.map((words) => words.length);
  let core = 0;
  counts.forEach((count, k) => {
    if (count > (counts[core] as number)) core = k;
  });
  const all = joinWords(partWords, 0, parts.length);
  const runs: Int32Array[] = [];
  for (let from = 0; from <= core; from++) {
    for (let to = core + 1; to <= parts.length; to++) runs.push(joinWords(partWords, from, to).sort());
  }
  // A title standing apart (a blank line under it) is the page's <title>, with a site name to
  // strip; a first line running straight into text is the article's own headline.
  const apart = lines[index + 1] === undefined || lines[index + 1]?.text.length === 0;
  const [from, to] = apart ? withoutSite(counts, options.maxSiteWords) : [0, parts.length];
  return {
    index,
    text: line.text,
    apart,
    headline: line.text.slice(parts[from]?.start, parts[to - 1]?.end),
    coreWords: counts[core] as number,
    allWords: all.length,
    runs,
    vocabulary: new Set(all),
  };
}

/**
 * How well a line matches the title: the best multiset word F1 against a run of the title's
 * parts that holds its core (the longest part), so a line naming only the site never matches.
 */
export function titleMatch(title: PageTitle, text: string): number {
  const line = Int32Array.from(wordsOf(text)).sort();
  let best = 0;
  for (const run of title.runs)
    best = Math.max(best, (2 * sharedWords(line, run)) / (line.length + run.length));
  return best;
}

/**
 * Whether a line of `words` words may match the title at `atLeast`: every run holds the core,
 * so at most this many of its words may be missing from the title. Stops at the first word
 * over that allowance, which for most lines is one of the first few.
 */
function mayMatch(title: PageTitle, text: string, words: number, atLeast: number): boolean {
  let allowed = words - (atLeast * (words + title.coreWords)) / 2;
  if (allowed < 0) return false;
  let fits = true;
  forEachWord(text, (hash) => {
    if (!title.vocabulary.has(hash) && --allowed < 0) fits = false;
    return fits;
  });
  return fits;
}

/** How many words two sorted multisets share. */
function sharedWords(a: Int32Array, b: Int32Array): number {
  let shared = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) {
      shared++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return shared;
}

/** The nearest non-blank line from `i` in `step` direction, junk lines skipped. */
function nearestText(lines: readonly PageLine[], i: number, step: 1 | -1): PageLine | undefined {
  for (let j = i + step; j >= 0 && j < lines.length; j += step) {
    const line = lines[j] as PageLine;
    if (line.text.length > 0 && line.drop === null) return line;
  }
  return undefined;
}

/** A line with paragraphs right above and right below it: a subheading of the text. */
function betweenParagraphs(lines: readonly PageLine[], i: number): boolean {
  return nearestText(lines, i, -1)?.body === true && nearestText(lines, i, 1)?.body === true;
}

/** A line repeating the page title, and how well it matches (see titleMatch). */
export interface TitleLine {
  index: number;
  match: number;
}

/**
 * The lines after the title line that repeat it as a headline (titleMatch at least
 * `minMatch`), in page order. Only lines whose word count could reach the bar are compared.
 */
export function headlineLines(
  lines: readonly PageLine[],
  title: PageTitle | null,
  options = PAGE_TITLE_DEFAULTS,
): TitleLine[] {
  if (title === null) return [];
  // F1 >= m needs at least m/(2-m) of the shorter side's words: bounds on the line's length.
  const ratio = options.minMatch / (2 - options.minMatch);
  const fewest = Math.max(options.minLineWords, Math.floor(title.coreWords * ratio));
  const most = Math.ceil(title.allWords / ratio);
  const found: TitleLine[] = [];
  for (let i = title.index + 1; i < lines.length; i++) {
    const line = lines[i] as PageLine;
    if (line.chrome || line.words < fewest || line.words > most) continue;
    if (!mayMatch(title, line.text, line.words, options.minMatch)) continue;
    const match = titleMatch(title, line.text);
    // A subheading between paragraphs ("Making spiced honey pear jam") heads a part of the text.
    if (match >= options.minMatch && !betweenParagraphs(lines, i)) found.push({ index: i, match });
  }
  return found;
}
