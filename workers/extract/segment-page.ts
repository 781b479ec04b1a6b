/**
 * Segmenting: a page dump in, its articles out. The page's lines (page-lines.ts) are cut at
 * article headers (segment-headers.ts); in each piece the article body is the densest run of
 * text lines (article-region.ts). The first substantial article is the page's primary one;
 * those after it are the related articles aggregators append.
 */
import type { Article } from '../../lib/article.ts';
import {
  authorBoxStart,
  dataAbove,
  dataUnderStandfirst,
  endAtCards,
  endAtGap,
  growRun,
  type LineScores,
  openingAbove,
  pieceRun,
  REGION_DEFAULTS,
  scoreLines,
  standfirstLines,
  teaserBoxLines,
  trimTrailingLabels,
} from './article-region.ts';
import { type ChromeKey, type KnownChrome, markLearnedChrome } from './learned-chrome.ts';
import { countWords, endsLikeSentence, isSeparator, isTitleLike, measureLine } from './line-shape.ts';
import { markPageLines, type PageLine, replaceLineText, toPageLines } from './page-lines.ts';
import { headlineLines, type PageTitle, readPageTitle, type TitleLine } from './page-title.ts';
import { findPublishedTime, type PublishedTime } from './published-time.ts';
import { findHeaders } from './segment-headers.ts';
import { joinWrappedLines } from './wrapped-lines.ts';

export interface SegmentOptions {
  /** Capture time of the page; relative times ("2 hours ago") resolve against it. */
  capturedAt: Date;
  /**
   * Short lines other pages showed often enough to be chrome (learned-chrome.ts). Given, even
   * empty, the page's own keys come back for learning; absent (the default), learning is off.
   */
  knownChrome?: KnownChrome;
}

/** The tuning of segmenting, in one place: each value with the reason it has. */
export const SEGMENT_DEFAULTS = {
  /** An article under a header needs this many words; fewer is a teaser. */
  minHeadedWords: 15,
  /** Text before any header has no headline to vouch for it, so it must be longer. */
  minUnheadedWords: 40,
  /** Leading short lines ("Claim", "Staff Reports") kept under a header when this few… */
  maxLeadingShortLines: 3,
  /** …and this many words in all: more is a block of its own (a teaser, a box). */
  maxLeadingWords: 12,
  /** A body needs a line of this many words: a few labels under a headline are no article. */
  minSentenceWords: 8,
  /** A standfirst (the article's lead) is one or two sentences: this many words at most… */
  maxLeadWords: 60,
  /** …and at least this many. */
  minLeadWords: 8,
  /** A headline found without a header, or a related article's, has this many words: two are a name or a label ("Fact Check"). */
  relatedMinTitleWords: 3,
  /** Text without a header takes a headline-shaped line at most this many text lines above it. */
  maxUnheadedTitleDistance: 4,
  /** The primary article is the first one at least this share of the longest article. */
  primaryShareOfLongest: 0.25,
  /** …or at least this many words, whatever the longest. */
  primaryMinWords: 150,
  /** A page headline shorter than this (characters) is too common to find in a promo ("Also Read | …"). */
  promoTitleMinLength: 12,
  /**
   * A page where no text passes the length bars keeps its best short text of this many words
   * (a video's blurb, a short notice): the page's content is that text, however short.
   */
  shortPageMinWords: 20,
} as const;

const D = SEGMENT_DEFAULTS;
/** Any instant: only whether a title holds a time matters, not when. */
const EPOCH = new Date(0);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}

const PROMO_MARK = /[|»›]/;

/** "Also Read | <a headline on this page>" pasted into a paragraph: cut label and headline. */
function promoCutter(titles: readonly string[]): (line: string) => string {
  const usable = titles.filter((title) => title.length >= D.promoTitleMinLength);
  if (usable.length === 0) return (line) => line;
  // Built on first use: most pages have no line with a bar or guillemet in their bodies.
  let pattern: RegExp | null = null;
  return (line) => {
    // The pattern needs one of the titles verbatim: looking for them is cheaper than trying it.
    if (!PROMO_MARK.test(line) || !usable.some((title) => line.includes(title))) return line;
    pattern ??= new RegExp(
      `(?:\\s|^)(?:\\p{L}+\\s)?\\p{L}+\\s*[|»›]\\s*(?:${usable.map(escapeRegExp).join('|')})(?=\\s|$)`,
      'gu',
    );
    return line.replace(pattern, '');
  };
}

/** Where an article found in a piece starts, and what its title and lead are judged by. */
interface Found {
  /** Index of the body's first line. */
  start: number;
  /** Whether an article header (segment-headers.ts) names it. */
  headed: boolean;
  /** The first paragraph when it is shaped like a standfirst, else null. */
  lead: string | null;
  /** Whether its header's headline repeats the page title. */
  titled: boolean;
}

/** The standfirst when it sits straight under the title line (junk and blank lines between). */
function leadOf(lines: readonly PageLine[], found: Found, titleIndex: number): string | null {
  if (found.lead === null || titleIndex < 0) return null;
  for (let i = titleIndex + 1; i < found.start; i++) {
    const line = lines[i] as PageLine;
    if (line.drop === null && line.text.length > 0) return null;
  }
  return found.lead;
}

/** The publish time of the first meta line in [from, to), or null. */
function metaBetween(lines: readonly PageLine[], from: number, to: number): PublishedTime | null {
  for (let i = Math.max(0, from); i < to; i++) {
    const published = (lines[i] as PageLine).meta?.published;
    if (published !== undefined) return published;
  }
  return null;
}

interface Piece {
  from: number;
  to: number;
  headerIndex: number;
}

/**
 * The headline for text found without a header: the nearest headline-shaped line a few lines
 * above it, else the page title without its site part.
 */
function unheadedTitle(
  lines: readonly PageLine[],
  bodyStart: number,
  pageTitle: PageTitle | null,
): { title: string; index: number } {
  for (let i = bodyStart - 1, seen = 0; i >= 0 && seen < D.maxUnheadedTitleDistance; i--) {
    const line = lines[i] as PageLine;
    if (line.drop !== null || line.text.length === 0) continue;
    seen++;
    if (isTitleLike(line.text, line.words) && line.words >= D.relatedMinTitleWords)
      return { title: line.text, index: i };
  }
  return { title: pageTitle?.headline ?? '', index: -1 };
}

/** Cuts a page into articles (see the module comment); [] when it holds none. */
export function segmentPage(text: string, options: SegmentOptions): Article[] {
  return readSegments(text, options).articles;
}

/** A page as segmenting judged it: its lines, their scores, and the lines each article took. */
export interface SegmentedPage {
  lines: PageLine[];
  /** 1 for each line inside an article header. */
  inHeader: Uint8Array;
  scores: LineScores;
  articles: Article[];
  /** The indices of the lines in each article's body, in the order of `articles`. */
  taken: number[][];
  /** The keys of the page's short lines, for learning (learned-chrome.ts); [] without knownChrome. */
  chromeKeys: ChromeKey[];
}

/** segmentPage with what it saw along the way, for `sluice extract --explain`. */
export function readSegments(text: string, options: SegmentOptions): SegmentedPage {
  const page = segmentWith(text, options, null);
  // Pages without any article are rare: reading them twice costs little.
  return page.articles.length > 0 ? page : segmentWith(text, options, D.shortPageMinWords);
}

/** readSegments with the length bars an article must pass, or `minWords` for every one of them. */
function segmentWith(text: string, options: SegmentOptions, minWords: number | null): SegmentedPage {
  const lines = toPageLines(joinWrappedLines(text), options.capturedAt);
  const headers = findHeaders(lines);

  const inHeader = new Uint8Array(lines.length);
  for (const header of headers) inHeader.fill(1, header.start, header.end + 1);
  // Promos for the page's own headlines ("Also Read | <headline>") go before lines are judged:
  // a headline's capitals would make a flattened list read as navigation.
  const cutPromos = promoCutter(headers.map((header) => header.title));
  lines.forEach((line, i) => {
    if (inHeader[i] === 1 || line.drop !== null) return;
    // Line texts are trimmed already: only a cut one needs trimming again.
    const cut = cutPromos(line.text);
    if (cut !== line.text) replaceLineText(line, cut.trim());
  });
  markPageLines(lines, inHeader);
  const scores = scoreLines(lines);
  // After scoring: a learned line leaves the bodies, but where the article lies is judged without it.
  const chromeKeys = markLearnedChrome(lines, inHeader, options.knownChrome);
  const pageTitle = readPageTitle(lines);
  const titleLines = headlineLines(lines, pageTitle);
  // Where the page shows its own headline: the first line repeating its <title>, or the title
  // line itself when the page opens with its article.
  const headline = pageTitle?.apart === false ? pageTitle.index : (titleLines[0]?.index ?? -1);
  // A comment thread's header ("2 comments on <headline>") repeats the title less closely than the article's.
  const bestTitleMatch = Math.max(0, ...titleLines.map((line) => line.match));
  const pieces: Piece[] = [{ from: 0, to: headers[0]?.start ?? lines.length, headerIndex: -1 }];
  headers.forEach((header, k) => {
    pieces.push({ from: header.end + 1, to: headers[k + 1]?.start ?? lines.length, headerIndex: k });
  });

  const articles: Article[] = [];
  const pieceOf: Found[] = [];
  const taken: number[][] = [];
  for (const piece of pieces) {
    const scored = piece.headerIndex < 0 ? scores.plain : scores.headed;
    const dense = pieceRun(lines, scored, piece.from, piece.to, headline);
    if (dense === null) continue;
    const run = growRun(lines, dense, piece.to, Math.max(piece.from, headline + 1));
    const header = headers[piece.headerIndex];
    const authorBox = authorBoxStart(lines, header?.start ?? piece.from, run);
    const labelled = trimTrailingLabels(lines, run.start, authorBox > run.start ? authorBox - 1 : run.end);
    let start = run.start;
    if (header !== undefined) {
      const leading = lines
        .slice(piece.from, run.start)
        .filter((line) => line.drop === null && line.text.length > 0);
      const leadingWords = leading.reduce((sum, line) => sum + line.words, 0);
      // A byline among them is the article's credits, not its first words.
      const credits = leading.some((line) => line.byline);
      if (leading.length <= D.maxLeadingShortLines && leadingWords <= D.maxLeadingWords && !credits)
        start = piece.from;
    }
    // A standfirst set apart from the body by a byline or a share row under the page headline opens it.
    const standfirst =
      headline >= piece.from - 1 && headline < start
        ? standfirstLines(lines, Math.max(headline, piece.from - 1), start)
        : [];
    // A recipe's ingredients between its standfirst and its steps are its own.
    const opening = [...standfirst, ...dataUnderStandfirst(lines, standfirst, start)];
    const paragraphs = opening.map((i) => (lines[i] as PageLine).text);
    let wordCount = opening.reduce((sum, i) => sum + (lines[i] as PageLine).words, 0);
    let hasSentence = false;
    const took = [...opening];
    const teasers = teaserBoxLines(lines, start, labelled);
    const end = endAtGap(lines, start, endAtCards(lines, start, labelled));
    for (let i = start; i <= end; i++) {
      const line = lines[i] as PageLine;
      if (line.drop !== null || line.text.length === 0 || (line.words <= 1 && isSeparator(line.text)))
        continue;
      // A promo box ("More:" and three headlines) sits inside the article: read on past it, leave it out.
      if (line.linkList === 'promo' && !line.tableRow) continue;
      if (teasers.has(i)) continue;
      paragraphs.push(line.text);
      took.push(i);
      wordCount += line.words;
      hasSentence ||= line.words >= D.minSentenceWords && (line.sentence || header !== undefined);
    }
    const body = paragraphs.join('\n\n');
    if (!hasSentence) continue;
    if (minWords !== null) {
      if (wordCount < minWords) continue;
    } else if (wordCount < (header ? D.minHeadedWords : D.minUnheadedWords)) continue;
    // One short paragraph under a headline is a teaser (a "more stories" item), not an article.
    else if (paragraphs.length === 1 && wordCount < REGION_DEFAULTS.minSingleParagraphWords) continue;

    let title: string;
    let titleIndex: number;
    let source: string | null = null;
    let published = header?.published ?? null;
    if (header !== undefined) {
      title = header.title;
      titleIndex = header.end;
      source = header.source;
    } else {
      ({ title, index: titleIndex } = unheadedTitle(lines, start, pageTitle));
      published = metaBetween(lines, titleIndex, start);
    }
    // A standfirst: a first paragraph of one or two sentences straight under the headline.
    const first = paragraphs[0] ?? '';
    const firstWords = countWords(first);
    const leadShaped =
      paragraphs.length > 1 &&
      firstWords >= D.minLeadWords &&
      firstWords <= D.maxLeadWords &&
      endsLikeSentence(first);
    const titled =
      header !== undefined &&
      titleLines.some(
        (line) => line.index >= header.start && line.index <= header.end && line.match >= bestTitleMatch,
      );
    const found: Found = { start, headed: header !== undefined, lead: leadShaped ? first : null, titled };
    pieceOf.push(found);
    taken.push(took);
    articles.push({
      title,
      lead: leadOf(lines, found, titleIndex),
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
  // One paragraph alone (a teaser's blurb, a notice) must reach the share of the longest.
  const substantial = (article: Article) =>
    article.wordCount >=
    (article.body.includes('\n\n')
      ? Math.min(D.primaryMinWords, longest * D.primaryShareOfLongest)
      : longest * D.primaryShareOfLongest);
  // A page opening with its article's headline has that article first, however short.
  // Else the one under a header repeating the page title (an info box may come before it), else
  // the first under the headline.
  const primary =
    (pageTitle?.apart === false ? articles[0] : undefined) ??
    articles.find((article, k) => substantial(article) && pieceOf[k]?.titled === true) ??
    articles.find((article, k) => substantial(article) && (pieceOf[k]?.start ?? 0) > headline) ??
    articles.find(substantial);
  if (primary !== undefined) {
    primary.primary = true;
    // The page's own headline beats a header's guess: the line repeating the page title nearest
    // above the body (and below any article before it), else the title without its site part
    // when no article comes before this one.
    const k = articles.indexOf(primary);
    const found = pieceOf[k] as Found;
    const before = pieceOf[k - 1]?.start ?? -1;
    let shown: TitleLine | null = null;
    for (const line of titleLines) {
      if (line.index <= before || line.index >= found.start) continue;
      if (shown === null || line.match >= shown.match) shown = line;
    }
    if (shown !== null) {
      primary.title = (lines[shown.index] as PageLine).text;
      primary.lead = leadOf(lines, found, shown.index);
      if (!found.headed && primary.published === null) {
        const published = metaBetween(lines, shown.index, found.start);
        primary.published = published?.text ?? null;
        primary.publishedAt = published?.iso ?? null;
      }
    } else if (pageTitle !== null && k === 0) {
      primary.title = pageTitle.headline;
    }
    // A recipe's ingredients above its steps (under the headline), then the opening paragraphs
    // above them (under the headline, which openingAbove looks for).
    addAbove(lines, primary, taken, k, headline + 1, dataAbove);
    addAbove(lines, primary, taken, k, 0, openingAbove);
  }
  const kept = articles.map((article) => article.primary || relatedArticle(article));
  return {
    lines,
    inHeader,
    scores,
    articles: articles.filter((_, k) => kept[k]),
    taken: taken.filter((_, k) => kept[k]),
    chromeKeys,
  };
}

/**
 * What `find` (openingAbove, dataAbove) gives above the primary article's first line, from line
 * `from` on and below any article before it: it opens the body.
 */
function addAbove(
  lines: readonly PageLine[],
  primary: Article,
  taken: number[][],
  k: number,
  from: number,
  find: (lines: readonly PageLine[], start: number, from: number) => number[],
): void {
  const took = taken[k] as number[];
  const above = find(lines, Math.min(...took), Math.max(from, ...(taken[k - 1] ?? []).map((i) => i + 1)));
  if (above.length === 0) return;
  primary.body = [...above.map((i) => (lines[i] as PageLine).text), primary.body].join('\n\n');
  primary.wordCount += above.reduce((sum, i) => sum + (lines[i] as PageLine).words, 0);
  took.unshift(...above);
}

/**
 * Whether an article besides the primary one is a related article (as aggregators append
 * them) and not a comment, a teaser or a widget: it has a real headline (three words or more,
 * headline-shaped, not a time or a counter such as "Rating: 7 Votes"), and names its outlet
 * or is long enough to stand as an article without one (a commenter's name and a date head a
 * comment just as an outlet and a time head a related article).
 */
function relatedArticle(article: Article): boolean {
  const { words, hasDigit } = measureLine(article.title);
  if (words < D.relatedMinTitleWords || !isTitleLike(article.title, words)) return false;
  if (hasDigit && (words <= D.relatedMinTitleWords || findPublishedTime(article.title, EPOCH) !== null))
    return false;
  return article.source !== null;
}
