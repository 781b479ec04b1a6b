/**
 * The lines of a page dump as segmenting reads them: each cut of inline junk, measured once
 * (line-shape.ts) and given its verdicts: chrome, echo, caption, byline, meta line, and the
 * page-wide ones (repeated furniture, link lists, repeated text, flattened tables).
 */
import { CLEAN_DEFAULTS, cutLine, isChromeLine, repeatedShortLines } from './clean.ts';
import {
  BYLINE,
  CAPTION_CREDIT,
  CAPTION_LABEL,
  INLINE_JUNK_HINT_IN_PAGE,
  PICTURE_CREDIT_LEAD,
  PICTURE_CREDIT_TAIL,
} from './clean-patterns.ts';
import {
  codesOf,
  endsLikeSentence,
  hasSentencePunctuation,
  isTitleLike,
  measureLine,
  measureSpan,
} from './line-shape.ts';
import { type Meta, parseMeta } from './meta-line.ts';

/**
 * Why a line is left out of every article (the first reason found stays):
 * - `chrome`: share, subscribe, cookie or comment prompts, separators, "Also Read | …" promos (clean.ts);
 * - `echo`: the same text as the line above it (image alt text, then the link);
 * - `caption`: a photo caption ending with its credit or under its label ("Image caption …"), or a
 *   picture credit by its label in the main European languages ("Foto: …", "Abb. 1: …", "… Photo: Getty");
 * - `credit-row`: names joined by bars ("Natalie Naccache | Bloomberg | Getty Images");
 * - `credit-caption`: the caption right above such a credit row;
 * - `furniture`: a short line the page repeats three times or more (ad labels, widget prompts);
 * - `repeated-text`: text shown twice within a screenful (a caption under a gallery and its image);
 * - `learned-chrome`: a short line seen on many other pages of the pipeline (learned-chrome.ts).
 */
export type DropReason =
  | 'chrome'
  | 'echo'
  | 'caption'
  | 'credit-row'
  | 'credit-caption'
  | 'furniture'
  | 'repeated-text'
  | 'learned-chrome';

/** One line of a page dump, measured once, with the verdicts segmenting reads. */
export interface PageLine {
  text: string;
  words: number;
  /** Words starting with a lower-case letter. */
  lowercaseWords: number;
  /** Length in Latin-letter equivalents (see line-shape.ts). */
  length: number;
  hasDigit: boolean;
  /** Holds sentence punctuation (see hasSentencePunctuation). */
  sentence: boolean;
  /** A paragraph line: long, or a full sentence of a dozen words or more. */
  body: boolean;
  /** Why the line is left out of every article, or null; dropped lines are ignored when looking for headers and bodies. */
  drop: DropReason | null;
  /** Chrome by its own shape and vocabulary (share, subscribe, "Related Articles"). */
  chrome: boolean;
  /** The same text as the previous non-blank line. */
  echo: boolean;
  /**
   * One of a run of headline-shaped lines: a link list, short (maybe a promo box, maybe the
   * article's own list), a promo box under a chrome label ("More:", "Don't miss"), or long.
   */
  linkList: 'short' | 'promo' | 'long' | null;
  /** One of a run of short lines with numbers: a table flattened to lines. */
  tableRow: boolean;
  /** A byline ("By Jane Doe | Outlet"): about the article, not of it. */
  byline: boolean;
  /** The publish time when the line is a meta line (see parseMeta), else null. */
  meta: Meta | null;
}

/** The tuning of the line verdicts, in one place: each value with the reason it has. */
export const LINE_DEFAULTS = {
  /** A line opening "By <Name>" and not ending like a sentence is a byline up to this many words. */
  bylineMaxWords: 20,
  /** A name and a social handle ("Natasha Turak @NatashaTurak") is a byline up to this many words. */
  handleBylineMaxWords: 6,
  /** A meta line (date, outlet) is shorter than this (Latin letters): a longer line with a date is text. */
  metaMaxLength: 130,
  /** A paragraph line is this long (Latin letters)… */
  paragraphMinLength: 200,
  /** …or a full sentence of this many words. */
  paragraphMinWords: 12,
  /** Headline-shaped lines (this many words or more) in a run are a link list… */
  linkMinWords: 5,
  /** …up to this many: a longer line is a paragraph that happens to lack a full stop. */
  linkMaxWords: 20,
  /** One headline-shaped line is a subheading, two a pair; this many in a row are a link list. */
  linkListMinRun: 3,
  /**
   * A link list this long ("most read", "more in section") fences the article off; a shorter one
   * is often a promo box inside the article ("Don't miss: …"), so the article may read on past it.
   */
  longLinkList: 6,
  /** Short lines with numbers, this many or more in a row, are a table (standings, schedules): content. */
  tableMinRows: 4,
  /** A table row has this many words at least: a lone number is a counter or a page number. */
  tableRowMinWords: 3,
  /**
   * A line of 6 to 60 words shown twice within 24 lines is a caption or teaser repeated by the
   * page's widgets; copies further apart are more often the article's own template (a meal
   * plan, a spec list) and are left alone.
   */
  repeatedTextMinWords: 6,
  repeatedTextMaxWords: 60,
  repeatedTextReach: 24,
  /** A caption above a photo credit is this many words at most. */
  captionMaxWords: 60,
  /**
   * Lines each closing with a count in brackets ("März 2003 (1)", "Politik (12)"), this many in a
   * row, are a blog's archive, category or tag widget: a long link list, not a table of data.
   */
  countedListMinRun: 3,
  /** A picture credit after its label ("Foto: Stella von Saldern / DBT") is this many characters at most. */
  pictureCreditMaxLength: 62,
  /** The longest picture word with its space ("Abbildungen ", "Crédits photo "), to look back from the credit's colon. */
  pictureWordMaxLength: 16,
} as const;

const D = LINE_DEFAULTS;

const HANDLE_BYLINE = /^\p{Lu}[\p{L}'’.-]*(?: \p{Lu}[\p{L}'’.-]*)* @[\p{L}\p{N}_]{2,}$/u;
/**
 * A dash-led line ("— Name (@handle) November 18, 2019") closes a quote or an embedded post:
 * the article's own text, not a byline, even with a date in it.
 */
const ATTRIBUTION = /^[—–]\s/u;

// First letters of the line-start patterns: testing one char spares a pattern call on every line.
const ATTRIBUTION_FIRST = codesOf('—–');
const CAPTION_LABEL_FIRST = codesOf('iIpPmMvV');
const PICTURE_CREDIT_FIRST = codesOf('pPfFiIbBaAzZgGtTcCéÉ');

/**
 * A picture's caption or credit by its label (see PICTURE_CREDIT_LEAD, _TAIL): opening the line
 * ("Foto: Timur", "Abbildung 4: …"), or with the credit closing it ("… zu tun. Foto: Timur").
 */
export function isPictureCredit(line: string, words: number): boolean {
  if (words > D.captionMaxWords) return false;
  // A leading label ends within its first letters, in a colon or the dot of "Fot." / "Abb.":
  // most lines have neither there, and skip the pattern.
  const first = line.indexOf(':');
  if (
    PICTURE_CREDIT_FIRST.has(line.charCodeAt(0)) &&
    ((first > 0 && first <= D.pictureWordMaxLength + 4) || line.charCodeAt(3) === 46) &&
    PICTURE_CREDIT_LEAD.test(line)
  )
    return true;
  if (first < 0) return false;
  // The credit's colon sits near the end: only that end is worth the pattern.
  const colon = line.lastIndexOf(':');
  return (
    colon > 0 &&
    line.length - colon <= D.pictureCreditMaxLength &&
    PICTURE_CREDIT_TAIL.test(line.slice(Math.max(0, colon - D.pictureWordMaxLength)))
  );
}
const BYLINE_FIRST = codesOf('BbPpVvOoWw');

function isAttribution(line: string): boolean {
  return ATTRIBUTION_FIRST.has(line.charCodeAt(0)) && ATTRIBUTION.test(line);
}
/**
 * Names joined by bars, each of one to three capitalised words ("Natalie Naccache | Bloomberg |
 * Getty Images", "Entries RSS | Comments RSS"): a photo credit or a navigation row, never text.
 */
const NAME_ROW = /^\p{Lu}\S*(?: \p{Lu}\S*){0,2}(?: \| \p{Lu}\S*(?: \p{Lu}\S*){0,2})+$/u;

/** The page's lines, cut of inline junk and measured, with their line-local verdicts. */
export function toPageLines(text: string, capturedAt: Date): PageLine[] {
  const lines: PageLine[] = [];
  let previous = '';
  // The junk vocabulary and the bar scan the page once instead of each of its ~250 lines a
  // page (a few hold any): a pattern's call costs more than scanning the line's characters.
  const junkHintAt = nextMatch(text, INLINE_JUNK_HINT_IN_PAGE);
  const barAt = nextMatch(text, BAR);
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const raw = text.slice(start, end);
    const rawShape = measureSpan(text, start, end);
    const squeezed = rawShape.spacesToSqueeze ? raw.replace(SPACE_RUN, ' ').trim() : raw;
    const mayHoldJunk = junkHintAt(start) < end;
    const mayHoldBar = barAt(start) < end;
    start = end + 1;
    for (const line of mayHoldJunk ? cutLine(squeezed) : [squeezed]) {
      // Most lines come through unchanged, and their one scan serves.
      const { words, lowercaseWords, length, hasDigit } = line === raw ? rawShape : measureLine(line);
      const chrome = line.length > 0 && isChromeLine(line, words);
      // A captioned photo sits inside the article: drop the caption, but do not fence there.
      const caption =
        !chrome &&
        ((line.endsWith(')') && CAPTION_CREDIT.test(line)) ||
          (CAPTION_LABEL_FIRST.has(line.charCodeAt(0)) && CAPTION_LABEL.test(line)) ||
          (line.length > 0 && isPictureCredit(line, words)));
      const echo = line.length > 0 && line === previous;
      if (line.length > 0) previous = line;
      const nameRow =
        !hasDigit &&
        (mayHoldBar || line !== squeezed) &&
        line.includes(' | ') &&
        NAME_ROW.test(line) &&
        !BYLINE.test(line);
      // A credit's caption sits right above it ("Sheikh Mohammed … in Dubai." / "Name | Agency").
      const above = lines[lines.length - 1];
      if (nameRow && above !== undefined && above.text.length > 0 && above.words <= D.captionMaxWords)
        above.drop ??= 'credit-caption';
      lines.push({
        chrome,
        echo,
        text: line,
        words,
        lowercaseWords,
        length,
        hasDigit,
        sentence: hasSentencePunctuation(line),
        body: isBodyLine(line, words, length),
        drop: chrome ? 'chrome' : echo ? 'echo' : caption ? 'caption' : nameRow ? 'credit-row' : null,
        linkList: null,
        tableRow: false,
        byline:
          (words <= D.bylineMaxWords &&
            BYLINE_FIRST.has(line.charCodeAt(0)) &&
            BYLINE.test(line) &&
            !endsLikeSentence(line)) ||
          (words <= D.handleBylineMaxWords && line.includes('@') && HANDLE_BYLINE.test(line)),
        meta:
          length < D.metaMaxLength && !isAttribution(line)
            ? parseMeta(line, words, capturedAt, hasDigit)
            : null,
      });
    }
  }
  return lines;
}

const SPACE_RUN = /\s+/g;
const BAR = /\|/g;

/**
 * Where `pattern` (global) next matches in `text` at or after a position, for positions that
 * only grow: one scan of the page in all.
 */
function nextMatch(text: string, pattern: RegExp): (from: number) => number {
  let at = -1;
  return (from) => {
    if (at < from) {
      pattern.lastIndex = from;
      at = pattern.exec(text)?.index ?? Number.POSITIVE_INFINITY;
    }
    return at;
  };
}

/** A paragraph line: long, or a full sentence of a dozen words or more. */
function isBodyLine(text: string, words: number, length: number): boolean {
  return length >= D.paragraphMinLength || (words >= D.paragraphMinWords && endsLikeSentence(text));
}

/**
 * Gives a line new text (a promo cut out of it) and re-measures it; its verdicts other than
 * shape (chrome, meta, byline) stay: they were taken on the whole line.
 */
export function replaceLineText(line: PageLine, text: string): void {
  const { words, lowercaseWords, length, hasDigit } = measureLine(text);
  Object.assign(line, { text, words, lowercaseWords, length, hasDigit });
  line.sentence = hasSentencePunctuation(text);
  line.body = isBodyLine(text, words, length);
}

/**
 * Verdicts that need the whole page: short lines it repeats three times or more (ad labels,
 * widget prompts), link lists, text shown twice close together, flattened tables. Headers
 * (`inHeader`, 1 per line inside one) are left out of the repetition counts: outlet and
 * time lines legitimately recur there.
 */
export function markPageLines(lines: readonly PageLine[], inHeader: Uint8Array): void {
  const counted: string[] = [];
  lines.forEach((line, i) => {
    // Only lines that could be furniture: hashing each line to count it is the cost here.
    if (
      inHeader[i] === 0 &&
      line.text.length > 0 &&
      line.text.length <= CLEAN_DEFAULTS.repeatedLineMaxLength &&
      line.words <= CLEAN_DEFAULTS.furnitureMaxWords
    )
      counted.push(line.text);
  });
  const repeated = repeatedShortLines(counted);
  // Hashing every paragraph to look it up cost ~3% of segmenting: only short lines can be in the set.
  if (repeated.size > 0) {
    for (const line of lines) {
      if (line.text.length <= CLEAN_DEFAULTS.repeatedLineMaxLength && repeated.has(line.text))
        line.drop ??= 'furniture';
    }
  }
  markLinkLists(lines);
  // After the link lists: a repeated headline in a list keeps fencing the article off.
  markRepeatedText(lines, inHeader);
  markTableRows(lines);
  markCountedLists(lines);
}

/** A label and its count in brackets, as archive and category widgets list them. */
const COUNTED = /^[^()]{2,60} \(\d{1,5}\)$/u;

/** Runs of counted lines (see D.countedListMinRun) are long link lists, whatever their numbers. */
function markCountedLists(lines: readonly PageLine[]): void {
  markRuns(
    lines,
    (line) => line.text.endsWith(')') && COUNTED.test(line.text),
    (line) => line.drop !== null,
    D.countedListMinRun,
    (run) => {
      for (const line of run) {
        line.linkList = 'long';
        line.tableRow = false;
      }
    },
  );
}

/**
 * Marks runs of at least `minRun` member lines (blank lines and `skip` lines do not break a
 * run, other lines do) by calling `mark` with each run.
 */
function markRuns(
  lines: readonly PageLine[],
  member: (line: PageLine) => boolean,
  skip: (line: PageLine) => boolean,
  minRun: number,
  mark: (run: PageLine[], before: PageLine | undefined) => void,
): void {
  let run: PageLine[] = [];
  // The last non-blank line before the run, skipped or not (a "More:" label above a list).
  let before: PageLine | undefined;
  let previous: PageLine | undefined;
  for (const line of lines) {
    if (line.text.length === 0) continue;
    if (!skip(line) && member(line)) {
      if (run.length === 0) before = previous;
      run.push(line);
    } else if (!skip(line)) {
      if (run.length >= minRun) mark(run, before);
      run = [];
    }
    previous = line;
  }
  if (run.length >= minRun) mark(run, before);
}

/**
 * A line of text the page shows twice close together (a caption under a gallery and again
 * under its image, a teaser's headline and blurb in two widgets) is not the article's own:
 * articles do not repeat their sentences. The page's first line is its title, which a
 * headline may repeat; a line echoed right under itself is judged already.
 */
function markRepeatedText(lines: readonly PageLine[], inHeader: Uint8Array): void {
  const seen = new Map<string, number>();
  const first = lines.findIndex((line) => line.text.length > 0);
  lines.forEach((line, i) => {
    if (i === first || inHeader[i] === 1 || line.echo || line.linkList !== null) return;
    if (
      line.words < D.repeatedTextMinWords ||
      line.words > D.repeatedTextMaxWords ||
      isAttribution(line.text)
    )
      return;
    const earlier = seen.get(line.text);
    seen.set(line.text, i);
    if (earlier === undefined || i - earlier > D.repeatedTextReach) return;
    (lines[earlier] as PageLine).drop ??= 'repeated-text';
    line.drop ??= 'repeated-text';
  });
}

/**
 * Runs of headline-shaped lines (related links, "most read", "more in section") fence an
 * article off: one headline is a subheading, three in a row are a link list. A short list
 * right under a chrome label ("More:", "Related") is a promo box.
 */
function markLinkLists(lines: readonly PageLine[]): void {
  const headlineShaped = (line: PageLine) =>
    line.words >= D.linkMinWords &&
    line.words <= D.linkMaxWords &&
    isTitleLike(line.text, line.words) &&
    !endsLikeSentence(line.text);
  markRuns(
    lines,
    headlineShaped,
    (line) => line.drop !== null,
    D.linkListMinRun,
    (run, before) => {
      const kind = run.length >= D.longLinkList ? 'long' : before?.chrome ? 'promo' : 'short';
      for (const line of run) line.linkList = kind;
    },
  );
}

/**
 * Runs of short lines that each hold a number (standings, schedules, results, prices) are
 * the page's data, a table flattened to lines; navigation rows rarely carry numbers.
 */
function markTableRows(lines: readonly PageLine[]): void {
  const rowShaped = (line: PageLine) =>
    line.drop === null &&
    line.meta === null &&
    line.words >= D.tableRowMinWords &&
    !line.body &&
    line.hasDigit;
  markRuns(
    lines,
    rowShaped,
    () => false,
    D.tableMinRows,
    (run) => {
      for (const line of run) line.tableRow = true;
    },
  );
}
