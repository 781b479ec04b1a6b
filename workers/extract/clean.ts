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
  PREVIOUS_NEXT,
  PROMO_PREFIX,
} from './clean-patterns.ts';
import { countWords, endsLikeSentence, isSeparator } from './line-shape.ts';

/** The tuning of cleaning, in one place: each value with the reason it has. */
export const CLEAN_DEFAULTS = {
  /** Short lines seen this often in one text are page furniture (ad labels, widget prompts). */
  repeatsForFurniture: 3,
  /** …when they have at most this many words: a repeated sentence is a quote or a refrain. */
  furnitureMaxWords: 12,
  /** Lines longer than this are never counted as furniture. */
  repeatedLineMaxLength: 120,
  /** Cutting inline junk is repeated until nothing changes, at most this often (a label under a label). */
  maxCutRounds: 4,
  /** A chrome label ("Home", "Most Popular", "Related Articles") is this many words at most: longer lines starting so are headlines… */
  chromeLabelMaxWords: 4,
  /** …a line led by chrome vocabulary (share, sign in, a link arrow) up to this many… */
  chromeLineMaxWords: 10,
  /** …one holding consent or legal boilerplate anywhere up to this many… */
  chromeAnywhereMaxWords: 20,
  /** …and a promo ("Also Read | Headline", "Related: Headline") up to this many: longer lines are text. */
  promoMaxWords: 30,
} as const;

const D = CLEAN_DEFAULTS;

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
  for (let round = 0; round < D.maxCutRounds; round++) {
    const next = cutOnce(current);
    if (next === current) return next;
    current = next;
  }
  return current;
}

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
 * with chrome vocabulary (share, subscribe, cookie, "Also Read | …", copyright). A bare label
 * may end with a colon ("Teilen:", "Share:"): it labels buttons the dump does not show.
 */
export function isChromeLine(line: string, words = countWords(line)): boolean {
  if (isSeparator(line)) return true;
  if (
    words <= D.chromeLabelMaxWords &&
    CHROME_LABEL.test(line) &&
    (!endsLikeSentence(line) || line.endsWith(':'))
  )
    return true;
  if (
    words <= D.chromeLineMaxWords &&
    CHROME_LINE.test(line) &&
    (!endsLikeSentence(line) || words <= D.chromeLabelMaxWords)
  )
    return true;
  if (words <= D.chromeAnywhereMaxWords && CHROME_ANYWHERE.test(line)) return true;
  if (words <= D.promoMaxWords && PREVIOUS_NEXT.test(line)) return true;
  return words <= D.promoMaxWords && hasPromoMark(line) && PROMO_PREFIX.test(line) && !/\.\s*$/u.test(line);
}

/** Whether the line holds a promo's bar, colon or guillemet: a line without one skips PROMO_PREFIX. */
function hasPromoMark(line: string): boolean {
  return line.includes(':') || line.includes('|') || line.includes('»') || line.includes('›');
}

/** Short lines repeated at least three times: ad labels and prompts a page repeats. */
export function repeatedShortLines(lines: readonly string[]): Set<string> {
  const counts = new Map<string, number>();
  for (const line of lines) {
    if (line.length === 0 || line.length > D.repeatedLineMaxLength) continue;
    counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  const repeated = new Set<string>();
  for (const [line, count] of counts) {
    if (count >= D.repeatsForFurniture && countWords(line) <= D.furnitureMaxWords) repeated.add(line);
  }
  return repeated;
}

/**
 * Removes page chrome lines and inline junk from any text. Blank-line paragraph breaks are
 * kept (collapsed to one). Idempotent in one pass: every line is cut to a fixed point first,
 * and the line verdicts (chrome shape, repeated three times) are unchanged on the kept lines.
 * Lines in `structure` are the text's own (its subheadings) and stay however often they recur.
 */
export function cleanText(text: string, structure: ReadonlySet<string> = new Set()): string {
  const lines = text.split('\n').flatMap((line) => cutLine(line.replace(/[ \t]+/gu, ' ').trim()));
  const repeated = repeatedShortLines(lines);
  for (const line of structure) repeated.delete(line);
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
