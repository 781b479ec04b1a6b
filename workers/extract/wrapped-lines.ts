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

/** The text with each block of wrapped rows joined into its paragraphs (see the module comment). */
export function joinWrappedLines(text: string): string {
  const rows = text.split('\n');
  const trimmed = rows.map((row) => row.trim());
  // [start, end) of each block of wrapped rows; most pages have none and come back as they were.
  const blocks: Array<[number, number]> = [];
  for (let i = 0; i < rows.length; i++) {
    let end = i;
    while (end < rows.length && (trimmed[end] as string).length > 0) end++;
    if (wrapped(trimmed, i, end)) blocks.push([i, end]);
    i = end;
  }
  if (blocks.length === 0) return text;
  const out: string[] = [];
  let next = 0;
  for (const [start, end] of blocks) {
    out.push(...rows.slice(next, start));
    let paragraph: string[] = [];
    for (let j = start; j < end; j++) {
      paragraph.push(trimmed[j] as string);
      if (j === end - 1 || paragraphEnd(trimmed[j] as string)) {
        out.push(paragraph.join(' '));
        paragraph = [];
      }
    }
    next = end;
  }
  out.push(...rows.slice(next));
  return out.join('\n');
}
