/**
 * Segmenting: a cleaned page dump in, its articles out. The page is cut at article headers
 * (segment-headers.ts); in each piece the article body is the densest run of text lines
 * (a maximum-sum run over per-line scores: long sentence lines score up, short or
 * unpunctuated lines score down), which drops navigation, share rows, "most popular" lists
 * and footers around it without knowing their words. The first substantial article is the
 * page's primary one; those after it are the related articles aggregators append.
 */
import type { Article } from '../../lib/article.ts';
import { cutLine, isChromeLine, repeatedShortLines } from './clean.ts';
import { BYLINE, CAPTION_CREDIT } from './clean-patterns.ts';
import {
  countWords,
  endsLikeSentence,
  hasSentencePunctuation,
  isSeparator,
  isTitleLike,
  measureLine,
} from './line-shape.ts';
import { findHeaders, type PageLine, parseMeta } from './segment-headers.ts';

export interface SegmentOptions {
  /** Capture time of the page; relative times ("2 hours ago") resolve against it. */
  capturedAt: Date;
}

/** An article under a header needs this many words; fewer is a teaser. */
const MIN_HEADED_WORDS = 15;
/** Text before any header has no headline to vouch for it, so it must be longer. */
const MIN_UNHEADED_WORDS = 40;
/** Line length (Latin letters) at which a line starts to count as running text. */
const DENSE_LINE_LENGTH = 70;
/** Leading short lines ("Claim", "Staff Reports") kept under a header when this few. */
const MAX_LEADING_SHORT_LINES = 3;
const MAX_LEAD_WORDS = 60;
const MIN_SINGLE_PARAGRAPH_WORDS = 60;
/** How many lines above the primary body the page headline may sit and still title it. */
const HEADLINE_REACH = 12;
/** The primary article is the first one at least this share of the longest article. */
const PRIMARY_SHARE_OF_LONGEST = 0.25;
/** …or at least this many words, whatever the longest. */
const PRIMARY_MIN_WORDS = 150;

/** A date/byline line inside running text is rare; in teaser lists it comes with every item. */
const META_LINE_SCORE = -2;
const CHROME_LINE_SCORE = -1;
/** A line opening "By <Name>" and not ending like a sentence is a byline up to this many words. */
const BYLINE_MAX_WORDS = 20;
/**
 * A dash-led line ("— Name (@handle) November 18, 2019") closes a quote or an embedded post:
 * the article's own text, not a byline, even with a date in it.
 */
const ATTRIBUTION = /^[—–]\s/u;
/** Headline-shaped lines (this many words or more) in a run of three or more are a link list. */
const LINK_MIN_WORDS = 5;
const LINK_LIST_MIN_RUN = 3;
/**
 * A long link list ("most read", "more in section") fences the article off; a short one is
 * often a promo box inside the article ("Don't miss: …"), so the article may read on past it.
 */
const LONG_LINK_LIST = 6;
const LONG_LINK_LIST_SCORE = -1;
const SHORT_LINK_LIST_SCORE = -0.3;
/** Short lines with numbers, four or more in a row, are a table (standings, schedules): content. */
const TABLE_MIN_ROWS = 4;
const TABLE_ROW_SCORE = 0.2;
/** A short line that reads as text (3+ words, sentence punctuation) costs this share of its length penalty. */
const SHORT_TEXT_MIN_WORDS = 3;
const SHORT_TEXT_WEIGHT = 0.3;
/**
 * A line of 6 to 60 words shown twice within 24 lines is a caption or teaser repeated by the
 * page's widgets; copies further apart are more often the article's own template (a meal
 * plan, a spec list) and are left alone.
 */
const REPEATED_TEXT_MIN_WORDS = 6;
const REPEATED_TEXT_MAX_WORDS = 60;
const REPEATED_TEXT_REACH = 24;
/** Runs scoring below this share of the page's best run are not candidates for the primary body. */
const MIN_SHARE_OF_BEST_RUN = 0.3;

function reads(line: PageLine): boolean {
  return line.words >= 8 && line.lowercaseWords >= 0.4 * line.words;
}

/** Scores for runs without and with a header above them (see lineScore). */
interface LineScores {
  plain: Float64Array;
  headed: Float64Array;
}

function scoreLines(lines: readonly PageLine[]): LineScores {
  const plain = new Float64Array(lines.length);
  const headed = new Float64Array(lines.length);
  lines.forEach((line, i) => {
    plain[i] = lineScore(line, false);
    headed[i] = lineScore(line, true);
  });
  return { plain, headed };
}

function lineScore(line: PageLine, headed: boolean): number {
  if (line.text.length === 0) return 0;
  // Chrome vocabulary (share, subscribe, "Related") usually fences the article off; a line
  // repeated right under itself is a link list (image alt text, then the link).
  if (line.chrome || line.echo) return CHROME_LINE_SCORE;
  if (line.junk) return 0;
  if (line.meta !== null || line.byline) return META_LINE_SCORE;
  if (line.tableRow) return TABLE_ROW_SCORE;
  if (line.linkList !== null) return line.linkList === 'long' ? LONG_LINK_LIST_SCORE : SHORT_LINK_LIST_SCORE;
  const score = Math.max(-1, Math.min(4, (line.length - DENSE_LINE_LENGTH) / DENSE_LINE_LENGTH));
  // Without sentence punctuation a long line is navigation, unless a header vouches for the
  // text and it reads like prose (mostly lower-case words, as in a flattened list).
  if (line.sentence || (headed && reads(line))) {
    // A short line that reads like text (a question, a list item, a one-line quote) costs little:
    // articles hold them between paragraphs, navigation rarely does.
    if (score < 0 && line.words >= SHORT_TEXT_MIN_WORDS) return score * SHORT_TEXT_WEIGHT;
    return score;
  }
  return Math.min(score, -0.2);
}

interface Run {
  start: number;
  end: number;
  score: number;
}

/** The maximum-sum run of line scores in [from, to): the densest text block. */
function densestRun(scores: Float64Array, from: number, to: number): Run | null {
  let best: Run | null = null;
  let sum = 0;
  let start = from;
  for (let i = from; i < to; i++) {
    sum += scores[i] as number;
    if (sum <= 0) {
      sum = 0;
      start = i + 1;
    } else if (best === null || sum > best.score) {
      best = { start, end: i, score: sum };
    }
  }
  return best;
}

/**
 * The text block of a piece. Usually the densest run; but when the page shows its own
 * headline just above or inside the piece, the article starts under it, so the first strong
 * run after the headline wins over a bigger block elsewhere (a cookie notice, a comment
 * thread, a teaser list).
 */
function pieceRun(
  lines: readonly PageLine[],
  scores: Float64Array,
  piece: Piece,
  headline: number,
): Run | null {
  const { from, to } = piece;
  const best = densestRun(scores, from, to);
  if (best === null || headline < from - HEADLINE_REACH || headline >= to) return best;
  const minScore = best.score * MIN_SHARE_OF_BEST_RUN;
  // A standfirst alone under the headline (then a byline block) is not yet the article.
  for (let start = Math.max(from, headline + 1); start < to; ) {
    const run = firstStrongRun(scores, start, to, minScore);
    if (run === null) return best;
    if (runWords(lines, run) >= MIN_SINGLE_PARAGRAPH_WORDS) return run;
    start = run.end + 1;
  }
  return best;
}

function runWords(lines: readonly PageLine[], run: Run): number {
  let words = 0;
  for (let i = run.start; i <= run.end; i++)
    if (!(lines[i] as PageLine).junk) words += (lines[i] as PageLine).words;
  return words;
}

const TITLE_SITE_SEPARATOR = /^\s+[-|–—:·]\s/u;

/**
 * Where the page repeats its document title (its first line, often "Headline - Site") as a
 * headline line of its own: the article starts under it. -1 when it does not.
 */
function pageHeadline(lines: readonly PageLine[]): number {
  const first = lines.findIndex((line) => line.text.length > 0);
  const pageTitle = lines[first]?.text ?? '';
  for (let i = first + 1; i < lines.length; i++) {
    const line = lines[i] as PageLine;
    // Two words are enough when the line is the whole title before its " | Site" part.
    const whole =
      line.words >= 2 &&
      pageTitle.startsWith(line.text) &&
      TITLE_SITE_SEPARATOR.test(pageTitle.slice(line.text.length));
    if ((line.words < 3 && !whole) || !pageTitle.includes(line.text)) continue;
    if (isTitleLike(line.text, line.words)) return i;
  }
  return -1;
}

/** The first run in [from, to) whose score reaches `minScore`, grown to its local maximum. */
function firstStrongRun(scores: Float64Array, from: number, to: number, minScore: number): Run | null {
  let sum = 0;
  let start = from;
  let current: Run | null = null;
  for (let i = from; i < to; i++) {
    sum += scores[i] as number;
    if (sum <= 0) {
      if (current !== null && current.score >= minScore) return current;
      sum = 0;
      start = i + 1;
      current = null;
    } else if (current === null || sum > current.score) {
      current = { start, end: i, score: sum };
    }
  }
  return current !== null && current.score >= minScore ? current : null;
}

function toPageLines(text: string, capturedAt: Date): PageLine[] {
  const lines: PageLine[] = [];
  let previous = '';
  for (const raw of text.split('\n')) {
    const rawShape = measureLine(raw);
    for (const line of cutLine(rawShape.spacesToSqueeze ? raw.replace(SPACE_RUN, ' ').trim() : raw)) {
      // Most lines come through unchanged, and their one scan serves.
      const { words, lowercaseWords, length, hasDigit } = line === raw ? rawShape : measureLine(line);
      const chrome = line.length > 0 && isChromeLine(line, words);
      // A captioned photo sits inside the article: drop the caption, but do not fence there.
      const caption = !chrome && CAPTION_CREDIT.test(line);
      const echo = line.length > 0 && line === previous;
      if (line.length > 0) previous = line;
      lines.push({
        chrome,
        echo,
        text: line,
        words,
        lowercaseWords,
        length,
        hasDigit,
        sentence: hasSentencePunctuation(line),
        body: length >= 200 || (words >= 12 && endsLikeSentence(line)),
        junk: chrome || echo || caption,
        linkList: null,
        tableRow: false,
        byline: words <= BYLINE_MAX_WORDS && BYLINE.test(line) && !endsLikeSentence(line),
        meta: length < 130 && !ATTRIBUTION.test(line) ? parseMeta(line, words, capturedAt, hasDigit) : null,
      });
    }
  }
  return lines;
}

const SPACE_RUN = /\s+/g;

/**
 * Marks runs of at least `minRun` member lines (blank lines and `skip` lines do not break a
 * run, other lines do) by calling `mark` with each run.
 */
function markRuns(
  lines: readonly PageLine[],
  member: (line: PageLine) => boolean,
  skip: (line: PageLine) => boolean,
  minRun: number,
  mark: (run: PageLine[]) => void,
): void {
  let run: PageLine[] = [];
  for (const line of lines) {
    if (line.text.length === 0 || skip(line)) continue;
    if (member(line)) {
      run.push(line);
      continue;
    }
    if (run.length >= minRun) mark(run);
    run = [];
  }
  if (run.length >= minRun) mark(run);
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
      line.words < REPEATED_TEXT_MIN_WORDS ||
      line.words > REPEATED_TEXT_MAX_WORDS ||
      ATTRIBUTION.test(line.text)
    )
      return;
    const earlier = seen.get(line.text);
    seen.set(line.text, i);
    if (earlier === undefined || i - earlier > REPEATED_TEXT_REACH) return;
    (lines[earlier] as PageLine).junk = true;
    line.junk = true;
  });
}

/**
 * Runs of headline-shaped lines (related links, "most read", "more in section") fence an
 * article off: one headline is a subheading, three in a row are a link list.
 */
function markLinkLists(lines: readonly PageLine[]): void {
  const headlineShaped = (line: PageLine) =>
    line.words >= LINK_MIN_WORDS && isTitleLike(line.text, line.words) && !endsLikeSentence(line.text);
  markRuns(
    lines,
    headlineShaped,
    (line) => line.junk,
    LINK_LIST_MIN_RUN,
    (run) => {
      const kind = run.length >= LONG_LINK_LIST ? 'long' : 'short';
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
    !line.junk && line.meta === null && line.words >= 3 && !line.body && line.hasDigit;
  markRuns(
    lines,
    rowShaped,
    () => false,
    TABLE_MIN_ROWS,
    (run) => {
      for (const line of run) line.tableRow = true;
    },
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}

/** "Also Read | <a headline on this page>" pasted into a paragraph: cut label and headline. */
function promoCutter(titles: readonly string[]): (line: string) => string {
  const usable = titles.filter((title) => title.length >= 12);
  if (usable.length === 0) return (line) => line;
  // Built on first use: most pages have no line with a bar or guillemet in their bodies.
  let pattern: RegExp | null = null;
  return (line) => {
    if (!line.includes('|') && !line.includes('»') && !line.includes('›')) return line;
    pattern ??= new RegExp(
      `(?:\\s|^)(?:\\p{L}+\\s){0,2}\\p{L}+\\s*[|»›]\\s*(?:${usable.map(escapeRegExp).join('|')})(?=\\s|$)`,
      'gu',
    );
    return line.replace(pattern, '');
  };
}

interface Piece {
  from: number;
  to: number;
  headerIndex: number;
}

/** The headline for text found without a header: the page title line, or the nearest headline above. */
function unheadedTitle(lines: readonly PageLine[], bodyStart: number): { title: string; index: number } {
  const pageTitle = lines.find((line) => line.text.length > 0)?.text ?? '';
  let nearest: { title: string; index: number } | null = null;
  for (let i = bodyStart - 1, seen = 0; i >= 0 && seen < 12; i--) {
    const line = lines[i] as PageLine;
    if (line.junk || line.text.length === 0) continue;
    seen++;
    if (!isTitleLike(line.text, line.words) || line.words < 3) continue;
    if (pageTitle.includes(line.text)) return { title: line.text, index: i };
    if (nearest === null && seen <= 4) nearest = { title: line.text, index: i };
  }
  if (nearest !== null) return nearest;
  // The page's first line is usually its <title>, often with " - Site" appended.
  return { title: pageTitle.replace(/\s+[-|–—]\s+[^-|–—]{1,40}$/u, ''), index: -1 };
}

/** Cuts a page into articles (see the module comment); [] when it holds none. */
export function segmentPage(text: string, options: SegmentOptions): Article[] {
  const lines = toPageLines(text, options.capturedAt);
  const headers = findHeaders(lines);

  // Repetition is judged outside headers: outlet and time lines legitimately recur there.
  const inHeader = new Uint8Array(lines.length);
  for (const header of headers) inHeader.fill(1, header.start, header.end + 1);
  const repeated = repeatedShortLines(lines.filter((_, i) => inHeader[i] === 0).map((line) => line.text));
  for (const line of lines) if (repeated.has(line.text)) line.junk = true;

  markLinkLists(lines);
  // After the link lists: a repeated headline in a list keeps fencing the article off.
  markRepeatedText(lines, inHeader);
  markTableRows(lines);
  const scores = scoreLines(lines);
  const cutPromos = promoCutter(headers.map((header) => header.title));
  const headline = pageHeadline(lines);
  const pieces: Piece[] = [{ from: 0, to: headers[0]?.start ?? lines.length, headerIndex: -1 }];
  headers.forEach((header, k) => {
    pieces.push({ from: header.end + 1, to: headers[k + 1]?.start ?? lines.length, headerIndex: k });
  });

  const articles: Article[] = [];
  const bodyStarts: number[] = [];
  for (const piece of pieces) {
    const run = pieceRun(lines, piece.headerIndex < 0 ? scores.plain : scores.headed, piece, headline);
    if (run === null) continue;
    const header = headers[piece.headerIndex];
    let start = run.start;
    if (header !== undefined) {
      const leading = lines.slice(piece.from, run.start).filter((line) => !line.junk && line.text.length > 0);
      const leadingWords = leading.reduce((sum, line) => sum + line.words, 0);
      if (leading.length <= MAX_LEADING_SHORT_LINES && leadingWords <= 12) start = piece.from;
    }
    const paragraphs: string[] = [];
    let wordCount = 0;
    let hasSentence = false;
    for (let i = start; i <= run.end; i++) {
      const line = lines[i] as PageLine;
      if (line.junk || line.text.length === 0 || (line.words <= 1 && isSeparator(line.text))) continue;
      const cut = cutPromos(line.text).trim();
      if (cut.length === 0) continue;
      const words = cut === line.text ? line.words : countWords(cut);
      const sentence = cut === line.text ? line.sentence : hasSentencePunctuation(cut);
      paragraphs.push(cut);
      wordCount += words;
      hasSentence ||= words >= 8 && (sentence || header !== undefined);
    }
    const body = paragraphs.join('\n\n');
    if (!hasSentence || wordCount < (header ? MIN_HEADED_WORDS : MIN_UNHEADED_WORDS)) continue;
    // One short paragraph under a headline is a teaser (a "more stories" item), not an article.
    if (paragraphs.length === 1 && wordCount < MIN_SINGLE_PARAGRAPH_WORDS) continue;

    let title: string;
    let titleIndex: number;
    let source: string | null = null;
    let published = header?.published ?? null;
    if (header !== undefined) {
      title = header.title;
      titleIndex = header.end;
      source = header.source;
    } else {
      ({ title, index: titleIndex } = unheadedTitle(lines, start));
      for (let i = Math.max(0, titleIndex); i < start && published === null; i++) {
        published = (lines[i] as PageLine).meta?.published ?? null;
      }
    }
    // A standfirst: a first paragraph of one or two sentences straight under the headline.
    const first = paragraphs[0] ?? '';
    const firstWords = countWords(first);
    const leadShaped =
      paragraphs.length > 1 && firstWords >= 8 && firstWords <= MAX_LEAD_WORDS && endsLikeSentence(first);
    const directlyUnder = lines
      .slice(titleIndex + 1, start)
      .every((line) => line.junk || line.text.length === 0);
    bodyStarts.push(start);
    articles.push({
      title,
      lead: leadShaped && directlyUnder && titleIndex >= 0 ? first : null,
      body,
      source,
      published: published?.text ?? null,
      publishedAt: published?.iso ?? null,
      primary: false,
      language: null,
      wordCount,
    });
  }

  // The primary article: the first substantial one, under the page's own headline when shown.
  const longest = Math.max(0, ...articles.map((article) => article.wordCount));
  const substantial = (article: Article) =>
    article.wordCount >= Math.min(PRIMARY_MIN_WORDS, longest * PRIMARY_SHARE_OF_LONGEST);
  const primary =
    articles.find((article, k) => substantial(article) && (bodyStarts[k] ?? 0) > headline) ??
    articles.find(substantial);
  if (primary !== undefined) {
    primary.primary = true;
    // The page's own headline, shown just above the primary body, beats a header's guess.
    const bodyStart = bodyStarts[articles.indexOf(primary)] ?? 0;
    if (headline >= 0 && headline < bodyStart && bodyStart - headline <= HEADLINE_REACH) {
      primary.title = (lines[headline] as PageLine).text;
    }
  }
  return articles;
}
