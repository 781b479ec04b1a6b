/**
 * Cleaning: removes page chrome lines and inline ad junk from text, keeping the article's
 * own paragraphs and subheadings. Line decisions are local (shape plus a small vocabulary,
 * see clean-patterns.ts) or page-wide repetition, so cleaning is safe on any text, including
 * Readability output, and cleaning clean text changes nothing.
 */
import {
  CHROME_ANYWHERE,
  CHROME_LABEL,
  CHROME_LINE,
  INLINE_JUNK,
  INLINE_JUNK_HINT,
  PROMO_PREFIX,
} from './clean-patterns.ts';
import { countWords, endsLikeSentence, isSeparator } from './line-shape.ts';

/** Short lines seen this often in one text are page furniture (ad labels, widget prompts). */
const REPEATS_FOR_FURNITURE = 3;
export const FURNITURE_MAX_WORDS = 12;
/** Lines longer than this are never counted as furniture. */
export const REPEATED_LINE_MAX_LENGTH = 120;

const ENDS_SENTENCE = /[.!?。！？…]["”’'»)\]]*\s*$/u;

/**
 * Cuts inline junk out of one line. Where the junk sat between two sentences the line is
 * split into two paragraphs ("\n\n"); where it interrupted a sentence the two halves are
 * joined with a space, so the sentence reads on.
 */
export function cutInlineJunk(line: string): string {
  // Cutting can bring a label to a line start where it now reads as junk ("… ADVERTISEMENT
  // Advertisement Photo"): cut again until nothing changes, so the result is a fixed point.
  let current = line;
  for (let round = 0; round < MAX_CUT_ROUNDS; round++) {
    const next = cutOnce(current);
    if (next === current) return next;
    current = next;
  }
  return current;
}

const MAX_CUT_ROUNDS = 4;

function cutOnce(line: string): string {
  if (!INLINE_JUNK_HINT.test(line)) return line;
  let out = '';
  let last = 0;
  INLINE_JUNK.lastIndex = 0;
  for (let match = INLINE_JUNK.exec(line); match !== null; match = INLINE_JUNK.exec(line)) {
    if (match[0].length === 0) {
      INLINE_JUNK.lastIndex++;
      continue;
    }
    out += line.slice(last, match.index);
    last = match.index + match[0].length;
    const before = out.trimEnd();
    out = before.length === 0 ? '' : ENDS_SENTENCE.test(before) ? `${before}\n\n` : `${before} `;
  }
  out += line.slice(last).trimStart();
  return out
    .split('\n')
    .map((part) => part.replace(/[ \t]+/gu, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/gu, '\n\n')
    .trim();
}

/** A line after cutting, as lines; a line that was all junk disappears instead of leaving a gap. */
export function cutLine(line: string): string[] {
  const cut = cutInlineJunk(line);
  if (cut === line) return [line];
  return line.length > 0 && cut.length === 0 ? [] : cut.split('\n');
}

/**
 * Page chrome judged from the line alone: separators, and short non-sentence lines that open
 * with chrome vocabulary (share, subscribe, cookie, "Also Read | …", copyright).
 */
export function isChromeLine(line: string, words = countWords(line)): boolean {
  if (isSeparator(line)) return true;
  if (words <= 4 && CHROME_LABEL.test(line) && !endsLikeSentence(line)) return true;
  if (words <= 10 && CHROME_LINE.test(line) && (!endsLikeSentence(line) || words <= 4)) return true;
  if (words <= 20 && CHROME_ANYWHERE.test(line)) return true;
  return words <= 30 && PROMO_PREFIX.test(line) && !/\.\s*$/u.test(line);
}

/** Short lines repeated at least three times: ad labels and prompts a page repeats. */
export function repeatedShortLines(lines: readonly string[]): Set<string> {
  const counts = new Map<string, number>();
  for (const line of lines) {
    if (line.length === 0 || line.length > REPEATED_LINE_MAX_LENGTH) continue;
    counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  const repeated = new Set<string>();
  for (const [line, count] of counts) {
    if (count >= REPEATS_FOR_FURNITURE && countWords(line) <= FURNITURE_MAX_WORDS) repeated.add(line);
  }
  return repeated;
}

/**
 * Removes page chrome lines and inline junk from any text. Blank-line paragraph breaks are
 * kept (collapsed to one). Idempotent in one pass: every line is cut to a fixed point first,
 * and the line verdicts (chrome shape, repeated three times) are unchanged on the kept lines.
 */
export function cleanText(text: string): string {
  const lines = text.split('\n').flatMap((line) => cutLine(line.replace(/[ \t]+/gu, ' ').trim()));
  const repeated = repeatedShortLines(lines);
  const kept: string[] = [];
  for (const line of lines) {
    if (line.length === 0) {
      if (kept.length > 0 && kept[kept.length - 1] !== '') kept.push('');
    } else if (!repeated.has(line) && !isChromeLine(line)) {
      kept.push(line);
    }
  }
  while (kept.length > 0 && kept[kept.length - 1] === '') kept.pop();
  return kept.join('\n');
}
