/**
 * Chrome a site repeats on every page, learned (issue 12, item 4): the short lines of a page
 * (menus, cookie banners, footers, newsletter prompts) are keyed by a hash of their normalized
 * text; a store counts in how many distinct files each key was seen (chrome-counts.ts in memory,
 * chrome-store.ts in Redis), and the keys seen on many pages come back to segmenting as
 * `knownChrome`, where such lines are dropped as `learned-chrome`. Pure: the knowledge is an
 * input, the page's own keys an output; counting is the caller's.
 *
 * One signal among others, so it is held back where a repeated line is likely the article's own:
 * long lines, header lines (outlet names and times recur on every aggregator page), meta lines and
 * bylines (they have their own treatment), lines without a letter, the page's first line (its
 * title), and a line with a paragraph right above or below it (a short sentence of a related
 * article that recurs on many pages, a subheading inside the text). And it is weak: segmenting
 * marks learned lines after scoring (segment-page.ts), so they leave every article's body but
 * do not move where the article is found; a line that is chrome elsewhere and text here costs
 * the text at most that line.
 */
import type { PageLine } from './page-lines.ts';

/** The tuning of learned chrome, in one place: each value with the reason it has. */
export const LEARNED_CHROME_DEFAULTS = {
  /** Lines of at most this many words are counted: chrome is short, and so the store stays small. */
  maxWords: 12,
  /** …and at most this long (characters), the furniture bound of clean.ts. */
  maxLength: 120,
} as const;

const D = LEARNED_CHROME_DEFAULTS;

/** The key of a short line (chromeKey): a 53-bit hash, so a safe integer. */
export type ChromeKey = number;

/** Keys of lines known to be chrome, as the counting store gives them. */
export type KnownChrome = ReadonlySet<ChromeKey>;

/** A line without a letter (a counter, a page number) says nothing learnable: all numbers are one key. */
const LETTER = /\p{L}/u;

/**
 * The key of a line: a 53-bit hash (cyrb53) of its text lower-cased with each run of digits as
 * one "0" ("Comments (3)" and "Comments (12)" are one line), a safe integer. Hashing keeps the
 * store's entries small and the page text out of Redis; at 2^53 values a collision among the
 * store's lines is vanishingly rare. One pass over the characters, lower-casing ASCII on the
 * way (other text is lower-cased first): a regular expression or a base-36 string per line cost
 * more than all the rest of it.
 */
export function chromeKey(text: string): ChromeKey {
  let normal = text;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 127) {
      normal = text.toLowerCase();
      break;
    }
  }
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  let inDigits = false;
  for (let i = 0; i < normal.length; i++) {
    let code = normal.charCodeAt(i);
    const digit = code >= 48 && code <= 57;
    if (digit && inDigits) continue;
    inDigits = digit;
    if (digit) code = 48;
    else if (code >= 65 && code <= 90) code += 32;
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Whether a line is one learning counts (and so one a known key may drop); see the module comment. */
function countable(line: PageLine, inHeader: number): boolean {
  return (
    inHeader === 0 &&
    line.drop === null &&
    line.text.length > 0 &&
    line.text.length <= D.maxLength &&
    line.words <= D.maxWords &&
    !line.body &&
    line.meta === null &&
    !line.byline &&
    LETTER.test(line.text)
  );
}

/**
 * The page's chrome keys (each once: learning counts distinct files), and the lines whose key is
 * known marked `learned-chrome`. The keys do not depend on what is known: what a page teaches is
 * the same whatever it was taught. Without `known` (learning off) nothing is hashed: [].
 */
export function markLearnedChrome(
  lines: readonly PageLine[],
  inHeader: Uint8Array,
  known: KnownChrome | undefined,
): ChromeKey[] {
  if (known === undefined) return [];
  const keys = new Set<ChromeKey>();
  // The first non-blank line is the page's <title>: unique per page, and never chrome to drop.
  let first = true;
  let previous: PageLine | undefined;
  lines.forEach((line, i) => {
    if (line.text.length === 0) return;
    const title = first;
    first = false;
    const above = previous;
    previous = line;
    if (title || !countable(line, inHeader[i] as number)) return;
    const key = chromeKey(line.text);
    keys.add(key);
    if (!known.has(key) || above?.body === true || nextText(lines, i)?.body === true) return;
    line.drop = 'learned-chrome';
  });
  return [...keys];
}

function nextText(lines: readonly PageLine[], at: number): PageLine | undefined {
  for (let i = at + 1; i < lines.length; i++) if ((lines[i] as PageLine).text.length > 0) return lines[i];
  return undefined;
}
