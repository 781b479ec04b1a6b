/**
 * Article headers inside a page dump: a short run of lines holding a headline and a meta
 * line (a publish time, maybe an outlet or byline: "Time of India / 2 hours ago / - Time of
 * India / Headline", "Headline / NDTV · 1 day ago", "Source: X | Published: Y / Headline").
 * Found from shape: the meta line is short and mostly a time expression; the headline is
 * the nearest headline-shaped line next to it, with no paragraph in between, so a date
 * quoted inside a paragraph never makes a header.
 */
import { countWords, endsLikeSentence, isSeparator, isTitleLike } from './line-shape.ts';
import { META_DEFAULTS } from './meta-line.ts';
import type { PageLine } from './page-lines.ts';
import type { PublishedTime } from './published-time.ts';

export interface ArticleHeader {
  /** First and last line index of the header run (inclusive). */
  start: number;
  end: number;
  title: string;
  source: string | null;
  published: PublishedTime | null;
}

/** The tuning of article headers, in one place: each value with the reason it has. */
export const HEADER_DEFAULTS = {
  /** A line of fewer words next to a meta line is more often a name or a label than the headline. */
  headlineMinWords: 3,
  /** A headline is at most this many words; one next to a meta line may end like a question. */
  headlineMaxWords: 20,
  /** Outlet lines ("NDTV" above "1 hour ago") a block may open with above its meta line: more is a list. */
  maxOutletLinesAbove: 2,
  /** Short lines looked at under a meta line: outlet, headline, a dashed outlet ("- Time of India"). */
  neighboursAfter: 3,
  /** …and above it: a headline and its outlet. */
  neighboursBefore: 2,
  /** A line of this many words ending like a sentence is text, not a header line ("He was later fired."). */
  sentenceMinWords: 4,
} as const;

const D = HEADER_DEFAULTS;
const LEADING_DASH = /^[-–—]\s*/u;

/** Outlet-shaped: a few words, no sentence ending ("NDTV", "- Time of India"). */
function outletShaped(line: PageLine): boolean {
  return line.words <= META_DEFAULTS.sourceMaxWords && !line.body && !endsLikeSentence(line.text);
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
    if (line.drop !== null) continue;
    if (!outletShaped(line) || ++outlets > D.maxOutletLinesAbove) return false;
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
  if (line.words > D.headlineMaxWords || !isTitleLike(line.text, line.words)) return false;
  return opensBlock(lines, Math.min(meta, j));
}

/** Up to `limit` short non-junk lines next to line `i`, walking in `step` direction. */
function shortNeighbours(lines: readonly PageLine[], i: number, step: 1 | -1, limit: number): number[] {
  const found: number[] = [];
  let blanks = 0;
  for (let j = i + step; j >= 0 && j < lines.length && found.length < limit; j += step) {
    const line = lines[j] as PageLine;
    if (line.drop !== null) continue;
    if (line.text.length === 0) {
      if (++blanks > 1) break;
      continue;
    }
    // Another meta line heads its own article, with the line just above it (its outlet or headline).
    if (line.meta !== null) {
      if (step === 1 && blanks === 0) found.pop();
      break;
    }
    const onlyOutlets = found.every((k) => outletShaped(lines[k] as PageLine));
    if (blanks === 0 && onlyOutlets && blockHeadline(lines, i, j)) {
      found.push(j);
      continue;
    }
    if (line.body || isSeparator(line.text)) break;
    // A short sentence ("He was later fired.") is text, not header: stop there too.
    if (
      line.words >= D.sentenceMinWords &&
      endsLikeSentence(line.text) &&
      !isTitleLike(line.text, line.words)
    )
      break;
    blanks = 0;
    found.push(j);
  }
  return found;
}

/** Outlet-shaped: a few capitalised words, no sentence punctuation ("- Time of India"). */
function sourceLike(text: string, source: string | null): boolean {
  const bare = text.replace(LEADING_DASH, '');
  if (source !== null && bare === source) return true;
  return LEADING_DASH.test(text) && countWords(bare) <= META_DEFAULTS.sourceMaxWords && /^\p{Lu}/u.test(bare);
}

/** Headers in page order; their runs never overlap. */
export function findHeaders(lines: readonly PageLine[]): ArticleHeader[] {
  const headers: ArticleHeader[] = [];
  let claimedUntil = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as PageLine;
    if (i <= claimedUntil || line.drop !== null || line.body || line.text.length === 0) continue;
    const meta = line.meta;
    if (meta === null) continue;

    // The short lines right after and right before the meta line, stopping at paragraphs,
    // separators and double blank lines (one blank line often parts a headline from its date).
    const after = shortNeighbours(lines, i, 1, D.neighboursAfter);
    const before = shortNeighbours(lines, i, -1, D.neighboursBefore);

    let source = meta.source;
    // An outlet line just above the meta line ("Time of India / 2 hours ago") names the source.
    const above = before[0] === undefined ? undefined : (lines[before[0]] as PageLine);
    if (source === null && above !== undefined && above.words <= META_DEFAULTS.sourceMaxWords) {
      const echoed = after.some((j) => (lines[j] as PageLine).text.replace(LEADING_DASH, '') === above.text);
      if (echoed) source = above.text;
    }
    const isCandidate = (j: number) => {
      const text = (lines[j] as PageLine).text;
      return isTitleLike(text, (lines[j] as PageLine).words) && !sourceLike(text, source) && text !== source;
    };
    // The headline after the meta line, else before it; but a two-word line (a name, "Staff
    // Reports") gives way to a longer headline on the other side.
    const titleIndex =
      after.find((j) => isCandidate(j) && (lines[j] as PageLine).words >= D.headlineMinWords) ??
      before.find((j) => isCandidate(j) && (lines[j] as PageLine).words >= D.headlineMinWords) ??
      after.find(isCandidate) ??
      before.find(isCandidate);
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
