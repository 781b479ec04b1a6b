/**
 * Text wrapped at a fixed width (a `<pre>` block, a mail, a plain-text post) comes out of a page
 * dump as one line per screen row, each a fragment of its sentences: scored line by line it reads
 * as navigation. Such a block is one paragraph again once its rows are joined.
 */

/** The tuning of rejoining wrapped rows, in one place: each value with the reason it has. */
export const WRAP_DEFAULTS = {
  /** A block of this many rows at least (no blank line between): two rows are a pair of links. */
  minRows: 3,
  /** Every row but the last is this long at least (characters): wrapped text fills its width… */
  minRowLength: 40,
  /** …and at most this long: a longer row was not wrapped. */
  maxRowLength: 100,
  /**
   * At least this share of the row breaks fall inside a sentence (the row ends without its
   * punctuation and the next opens with a lower-case letter): a list of headlines never does.
   */
  minInnerBreakShare: 0.5,
} as const;

const D = WRAP_DEFAULTS;
const SENTENCE_END = /[.!?:;…"”»)]$/u;
const LOWER_START = /^\p{Ll}/u;

function innerBreak(row: string, next: string): boolean {
  return !SENTENCE_END.test(row) && LOWER_START.test(next);
}

/** A short row closing a sentence ends its paragraph inside a block of wrapped rows. */
function paragraphEnd(row: string): boolean {
  return row.length < D.minRowLength && SENTENCE_END.test(row);
}

/** Whether the rows [from, to) of `rows` (trimmed) are wrapped paragraphs. */
function wrapped(rows: readonly string[], from: number, to: number): boolean {
  if (to - from < D.minRows) return false;
  let inner = 0;
  for (let i = from; i < to - 1; i++) {
    const row = rows[i] as string;
    if (row.length > D.maxRowLength || (row.length < D.minRowLength && !paragraphEnd(row))) return false;
    if (innerBreak(row, rows[i + 1] as string)) inner++;
  }
  return inner >= (to - from - 1) * D.minInnerBreakShare;
}

/** Whether text[start, end) holds nothing but whitespace. */
function blank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code !== 32 && code !== 9 && code !== 13 && code !== 160) return false;
  }
  return true;
}

/**
 * The block of rows starting at the offsets `starts` (ending at `ends`) as its joined paragraphs,
 * or null when it is not wrapped text. Blocks with too few long rows are passed without
 * slicing them: every page goes through here, and few hold any wrapped text.
 */
function joinedBlock(text: string, starts: readonly number[], ends: readonly number[]): string | null {
  if (starts.length < D.minRows) return null;
  let long = 0;
  for (let k = 0; k < starts.length; k++)
    if ((ends[k] as number) - (starts[k] as number) >= D.minRowLength) long++;
  if (long * 2 < starts.length) return null;
  const rows = starts.map((start, k) => text.slice(start, ends[k]).trim());
  if (!wrapped(rows, 0, rows.length)) return null;
  const paragraphs: string[] = [];
  let paragraph: string[] = [];
  rows.forEach((row, k) => {
    paragraph.push(row);
    if (k === rows.length - 1 || paragraphEnd(row)) {
      paragraphs.push(paragraph.join(' '));
      paragraph = [];
    }
  });
  return paragraphs.join('\n');
}

/** The text with each block of wrapped rows joined into its paragraphs (see the module comment). */
export function joinWrappedLines(text: string): string {
  let out: string[] | null = null;
  let copied = 0;
  const starts: number[] = [];
  const ends: number[] = [];
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const empty = blank(text, start, end);
    if (!empty) {
      starts.push(start);
      ends.push(end);
    }
    if ((empty || end === text.length) && starts.length > 0) {
      const joined = joinedBlock(text, starts, ends);
      if (joined !== null) {
        out ??= [];
        out.push(text.slice(copied, starts[0]), joined);
        copied = ends[ends.length - 1] as number;
      }
      starts.length = 0;
      ends.length = 0;
    }
    start = end + 1;
  }
  if (out === null) return text;
  out.push(text.slice(copied));
  return out.join('');
}
