/**
 * Article headers inside a page dump: a short run of lines holding a headline and a meta
 * line (a publish time, maybe an outlet or byline: "Time of India / 2 hours ago / - Time of
 * India / Headline", "Headline / NDTV · 1 day ago", "Source: X | Published: Y / Headline").
 * Found from shape: the meta line is short and mostly a time expression; the headline is
 * the nearest headline-shaped line next to it, with no paragraph in between, so a date
 * quoted inside a paragraph never makes a header.
 */
import { AUTHOR_LABEL, SOURCE_LABEL, TIME_LABEL } from './clean-patterns.ts';
import { countWords, endsLikeSentence, isSeparator, isTitleLike } from './line-shape.ts';
import { findPublishedTime, type PublishedTime } from './published-time.ts';

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
  /** Removed as chrome or junk; ignored when looking for headers and bodies. */
  junk: boolean;
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

export interface ArticleHeader {
  /** First and last line index of the header run (inclusive). */
  start: number;
  end: number;
  title: string;
  source: string | null;
  published: PublishedTime | null;
}

const META_MAX_WORDS = 14;
const META_MAX_REST_WORDS = 6;
const SOURCE_MAX_WORDS = 5;
const PART_SEPARATOR = /\s*(?:[|·•]|\s[-–—]\s)\s*/u;
const LEADING_DASH = /^[-–—]\s*/u;
const DIGITLESS_TIME_HINT = /ago|yesterday|today|just now/i;

export interface Meta {
  published: PublishedTime;
  source: string | null;
}

/** A line that is mostly a publish time, with at most an outlet, a byline and field labels. */
export function parseMeta(text: string, words: number, capturedAt: Date, hasDigit = true): Meta | null {
  if (words > META_MAX_WORDS || text.length > 120 || words === 0) return null;
  // Without a digit only day words ("Yesterday") and spelled-out amounts ("an hour ago") can be times.
  if (!hasDigit && !DIGITLESS_TIME_HINT.test(text)) return null;
  const published = findPublishedTime(text, capturedAt);
  if (published === null) return null;
  // Strip every time expression ("PUBLISHED: <date> | UPDATED: <date>"), not just the first.
  let rest = text.slice(0, published.start) + text.slice(published.end);
  for (let more = findPublishedTime(rest, capturedAt), n = 0; more !== null && n < 3; n++) {
    rest = rest.slice(0, more.start) + rest.slice(more.end);
    more = findPublishedTime(rest, capturedAt);
  }
  if (countWords(rest) > META_MAX_REST_WORDS + 2) return null;
  let source: string | null = null;
  let restWords = 0;
  for (const raw of rest.split(PART_SEPARATOR)) {
    const part = raw.replace(/^[\s(,]+|[\s),:]+$/gu, '');
    if (part.length === 0 || TIME_LABEL.test(`${part}:`) || /^(?:published|updated|posted)$/iu.test(part))
      continue;
    if (AUTHOR_LABEL.test(part)) continue;
    const labelled = SOURCE_LABEL.test(part);
    const value = part.replace(SOURCE_LABEL, '').replace(TIME_LABEL, '').trim();
    const words = countWords(value);
    restWords += words;
    if (
      source === null &&
      value.length > 0 &&
      words <= SOURCE_MAX_WORDS &&
      (labelled || /^\p{Lu}/u.test(value))
    ) {
      source = value;
    }
  }
  return restWords <= META_MAX_REST_WORDS ? { published, source } : null;
}

/** A headline is at most this many words; one next to a meta line may end like a question. */
const HEADLINE_MAX_WORDS = 20;

/** Outlet-shaped: a few words, no sentence ending ("NDTV", "- Time of India"). */
function outletShaped(line: PageLine): boolean {
  return line.words <= SOURCE_MAX_WORDS && !line.body && !endsLikeSentence(line.text);
}

/**
 * Whether a block opens above line `top`: a blank line, a separator or the page start, past
 * junk and an outlet line or two ("NDTV" above "1 hour ago").
 */
function opensBlock(lines: readonly PageLine[], top: number): boolean {
  let outlets = 0;
  for (let j = top - 1; j >= 0; j--) {
    const line = lines[j] as PageLine;
    if (line.text.length === 0 || isSeparator(line.text)) return true;
    if (line.junk) continue;
    if (!outletShaped(line) || ++outlets > 2) return false;
  }
  return true;
}

/**
 * A headline right against its meta line (or only outlet lines between), the run opening a
 * block (after a blank line, a separator or the page start): a headline whatever its case or
 * final "?"/"!", even when it is long enough to read as a paragraph ("Economy in stress and
 * markets on a high; time to be careful?" / "NDTV · 1 day ago").
 */
function blockHeadline(lines: readonly PageLine[], meta: number, j: number): boolean {
  const line = lines[j] as PageLine;
  if (line.words > HEADLINE_MAX_WORDS || !isTitleLike(line.text, line.words)) return false;
  return opensBlock(lines, Math.min(meta, j));
}

/** Up to `limit` short non-junk lines next to line `i`, walking in `step` direction. */
function shortNeighbours(lines: readonly PageLine[], i: number, step: 1 | -1, limit: number): number[] {
  const found: number[] = [];
  let blanks = 0;
  for (let j = i + step; j >= 0 && j < lines.length && found.length < limit; j += step) {
    const line = lines[j] as PageLine;
    if (line.junk) continue;
    if (line.text.length === 0) {
      if (++blanks > 1) break;
      continue;
    }
    const onlyOutlets = found.every((k) => outletShaped(lines[k] as PageLine));
    if (blanks === 0 && onlyOutlets && blockHeadline(lines, i, j)) {
      found.push(j);
      continue;
    }
    if (line.body || isSeparator(line.text)) break;
    // A short sentence ("He was later fired.") is text, not header: stop there too.
    if (line.words >= 4 && endsLikeSentence(line.text) && !isTitleLike(line.text, line.words)) break;
    blanks = 0;
    found.push(j);
  }
  return found;
}

/** Outlet-shaped: a few capitalised words, no sentence punctuation ("- Time of India"). */
function sourceLike(text: string, source: string | null): boolean {
  const bare = text.replace(LEADING_DASH, '');
  if (source !== null && bare === source) return true;
  return LEADING_DASH.test(text) && countWords(bare) <= SOURCE_MAX_WORDS && /^\p{Lu}/u.test(bare);
}

/** Headers in page order; their runs never overlap. */
export function findHeaders(lines: readonly PageLine[]): ArticleHeader[] {
  const headers: ArticleHeader[] = [];
  let claimedUntil = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as PageLine;
    if (i <= claimedUntil || line.junk || line.body || line.text.length === 0) continue;
    const meta = line.meta;
    if (meta === null) continue;

    // The short lines right after and right before the meta line, stopping at paragraphs,
    // separators and double blank lines (one blank line often parts a headline from its date).
    const after = shortNeighbours(lines, i, 1, 3);
    const before = shortNeighbours(lines, i, -1, 2);

    let source = meta.source;
    // An outlet line just above the meta line ("Time of India / 2 hours ago") names the source.
    const above = before[0] === undefined ? undefined : (lines[before[0]] as PageLine);
    if (source === null && above !== undefined && above.words <= SOURCE_MAX_WORDS) {
      const echoed = after.some((j) => (lines[j] as PageLine).text.replace(LEADING_DASH, '') === above.text);
      if (echoed) source = above.text;
    }
    const isCandidate = (j: number) => {
      const text = (lines[j] as PageLine).text;
      return isTitleLike(text, (lines[j] as PageLine).words) && !sourceLike(text, source) && text !== source;
    };
    const titleAfter = after.find(isCandidate);
    const titleBefore = titleAfter === undefined ? before.find(isCandidate) : undefined;
    const titleIndex = titleAfter ?? titleBefore;
    if (titleIndex === undefined) continue;

    const members = [i, titleIndex];
    for (const j of [...before, ...after]) {
      const text = (lines[j] as PageLine).text;
      if (sourceLike(text, source) || text === source) members.push(j);
    }
    const start = Math.min(...members);
    const end = Math.max(...members);
    headers.push({
      start,
      end,
      title: (lines[titleIndex] as PageLine).text,
      source,
      published: meta.published,
    });
    claimedUntil = end;
  }
  return headers;
}
