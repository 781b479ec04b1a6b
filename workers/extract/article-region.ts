/**
 * Where an article's body lies among a page's lines. Each line gets a score (long sentence
 * lines score up; short, unpunctuated, date/byline and chrome lines score down) and the body
 * is the densest run: the maximum-sum run of scores, which drops navigation, share rows,
 * "most popular" lists and footers around it without knowing their words. When the page
 * shows its own headline, the article is looked for under it first.
 */
import { BYLINE_NAME, MEDIA_LABEL } from './clean-patterns.ts';
import { endsLikeSentence, isTitleLike } from './line-shape.ts';
import { LINE_DEFAULTS, type PageLine } from './page-lines.ts';

/**
 * The tuning of the article region, in one place: each value with the reason it has. Scores are
 * per line; a run of lines is the article when their sum is the page's best.
 */
export const REGION_DEFAULTS = {
  /** Line length (Latin letters) at which a line starts to count as running text. */
  denseLineLength: 70,
  /** A line's length score is clamped to [min, max]: one long paragraph must not outweigh the page. */
  minLengthScore: -1,
  maxLengthScore: 4,
  /** A line without sentence punctuation scores at most this: long navigation rows read as text otherwise. */
  unpunctuatedMaxScore: -0.2,
  /** A date/byline line inside running text is rare; in teaser lists it comes with every item. */
  metaLineScore: -2,
  /** Chrome vocabulary (share, subscribe, "Related") usually fences the article off. */
  chromeLineScore: -1,
  /** A long link list ("most read") ends the article; a short one may be a promo box inside it. */
  longLinkListScore: -1,
  shortLinkListScore: -0.3,
  /** A row of a flattened table (standings, prices) is the page's data: a little positive. */
  tableRowScore: 0.2,
  /** A short line that reads as text (this many words, sentence punctuation) costs only a share of its length penalty. */
  shortTextMinWords: 3,
  shortTextWeight: 0.3,
  /** A line "reads" as prose with this many words, this share of them lower-case (German nouns are capitalised). */
  readsMinWords: 8,
  readsLowercaseShare: 0.4,
  /** A short line is text (a list item) with this share of lower-case words; navigation is capitalised. */
  textLowercaseShare: 0.5,
  /**
   * This many chrome lines (share, subscribe, "Related Articles", "Comments") with no text line
   * between them close the article: inside an article a widget comes alone, where the article
   * ends they come in clusters, and the text past them (teasers, bios, legal notes) is not its own.
   * Media labels ("Image copyright …") do not count: pictures and embedded posts cluster inside articles.
   */
  fenceChromeLines: 3,
  /** Runs scoring below this share of the page's best run are not candidates for the primary body… */
  minShareOfBestRun: 0.3,
  /**
   * …unless they score this much (a few paragraphs of prose): under the page headline that is the
   * article however long the comment thread or the footer below it.
   */
  strongRunScore: 12,
  /** How many lines above a piece the page headline may sit and still head it. */
  headlineReach: 12,
  /** One paragraph of fewer words under a headline is a teaser or a standfirst, not an article. */
  minSingleParagraphWords: 50,
  /** Short lines (a list item, a name under a quote) the run may cross to reach text beyond them. */
  maxShortLinesCrossed: 3,
  /** Subheadings (with short lines) the run may cross to reach a paragraph of the same article. */
  maxSubheadingLinesCrossed: 2,
  /** A paragraph past a subheading is this long at least (twice denseLineLength): a form's prompt or a teaser blurb is shorter. */
  proseMinLength: 140,
  /** How many lines under the page headline its standfirst may sit, past bylines, share rows, credits. */
  standfirstReach: 40,
  /** A standfirst is one or two paragraphs: more text between headline and body is something else. */
  maxStandfirstLines: 2,
  /** …of at least this many words each (a caption or a prompt is shorter). */
  standfirstMinWords: 8,
  /**
   * A line shorter than this (Latin letters; jusText's short block) closing the body may be a label
   * for what follows it ("Read more:", "Share this:", "Back to the overview"), not the article's text.
   */
  tailLabelMaxLength: 70,
  /** A label ending in ":" or "…" near the body's end takes with it up to this many short lines under it (the teasers or links it announces). */
  maxAnnouncedLines: 3,
  /**
   * This many short lines in a row between paragraphs, mostly headlines, end the article when less
   * than tailShare of the body's words lie under them: the page's tail (teasers, then a bio or a
   * site blurb). A list or a box inside the article has the rest of the article under it.
   */
  tailGapLines: 6,
  tailShare: 0.15,
  /** …and at most this many paragraphs lie under them (a bio, a site blurb, a comment policy): more is the article's last section. */
  tailMaxParagraphs: 3,
  /**
   * Short lines (a contents list, subheadings, captions, a share row) an article's opening paragraph
   * may sit above, at most: a screenful of furniture, never a page section.
   */
  maxOpeningGapLines: 12,
  /** The opening paragraphs hold this many words together: a one-line dek or a call to action ("Click here to…") is shorter. */
  openingMinWords: 20,
  /**
   * Short lines (a list's items, a recipe's step numbers, a slideshow's counters and captions) the
   * run may cross to the prose its article goes on with, as jusText relabels short blocks between
   * good ones, at most…
   */
  maxBridgedShortLines: 20,
  /** …of which at least this share hold shortTextMinWords words: a menu's one-word links are not a list's items… */
  bridgedWordedShare: 0.5,
  /** …and another paragraph of prose follows within this many lines: a lone one past a form or a list is a bio or a site's blurb. */
  continuedProseReach: 3,
  /** Short lines (a "Method" label, cooking times, a nutrition box, step numbers) a table above the body may sit over it by, at most. */
  maxDataGapLines: 16,
  /** Short lines between a table's rows or over it (a sub-list's label "Für den Teig:", unquantified items "Salz"), at most this many in a row: more is navigation. */
  maxDataLabelLines: 4,
} as const;

const D = REGION_DEFAULTS;

function reads(line: PageLine): boolean {
  return line.words >= D.readsMinWords && line.lowercaseWords >= D.readsLowercaseShare * line.words;
}

/** Scores for runs without and with a header above them (see lineScore). */
export interface LineScores {
  plain: Float64Array;
  headed: Float64Array;
}

/** Every line's score, for runs without and with a header above them. */
export function scoreLines(lines: readonly PageLine[]): LineScores {
  const plain = new Float64Array(lines.length);
  const headed = new Float64Array(lines.length);
  lines.forEach((line, i) => {
    plain[i] = lineScore(line, false);
    headed[i] = lineScore(line, true);
  });
  fenceChromeClusters(lines, plain);
  fenceChromeClusters(lines, headed);
  return { plain, headed };
}

/** A run never reaches across a cluster of chrome lines (D.fenceChromeLines): its last line scores -∞. */
function fenceChromeClusters(lines: readonly PageLine[], scores: Float64Array): void {
  let chrome = 0;
  lines.forEach((line, i) => {
    if ((scores[i] as number) > 0) chrome = 0;
    else if (line.chrome && !MEDIA_LABEL.test(line.text) && ++chrome === D.fenceChromeLines)
      scores[i] = Number.NEGATIVE_INFINITY;
  });
}

function lineScore(line: PageLine, headed: boolean): number {
  if (line.text.length === 0) return 0;
  // Chrome vocabulary (share, subscribe, "Related") usually fences the article off; a line
  // repeated right under itself is a link list (image alt text, then the link).
  if (line.chrome || line.echo) return D.chromeLineScore;
  if (line.drop !== null) return 0;
  if (line.meta !== null || line.byline) return D.metaLineScore;
  if (line.tableRow) return D.tableRowScore;
  // A promo box under its label sits inside the article: the label has paid for it already.
  if (line.linkList === 'promo') return 0;
  if (line.linkList !== null) return line.linkList === 'long' ? D.longLinkListScore : D.shortLinkListScore;
  const score = Math.max(
    D.minLengthScore,
    Math.min(D.maxLengthScore, (line.length - D.denseLineLength) / D.denseLineLength),
  );
  // Without sentence punctuation a long line is navigation, unless a header vouches for the
  // text and it reads like prose (mostly lower-case words, as in a flattened list).
  if (line.sentence || (headed && reads(line))) {
    // A short line that reads like text (a question, a list item, a one-line quote) costs little:
    // articles hold them between paragraphs, navigation rarely does.
    if (score < 0 && line.words >= D.shortTextMinWords) return score * D.shortTextWeight;
    return score;
  }
  return Math.min(score, D.unpunctuatedMaxScore);
}

export interface Run {
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
 * The text block of a piece [from, to). Usually the densest run; but when the page shows its own
 * headline just above or inside the piece, the article starts under it, so the first strong
 * run after the headline wins over a bigger block elsewhere (a cookie notice, a comment
 * thread, a teaser list).
 */
export function pieceRun(
  lines: readonly PageLine[],
  scores: Float64Array,
  from: number,
  to: number,
  headline: number,
): Run | null {
  const best = densestRun(scores, from, to);
  if (best === null || headline < 0 || headline < from - D.headlineReach || headline >= to) return best;
  const minScore = Math.min(best.score * D.minShareOfBestRun, D.strongRunScore);
  // A standfirst alone under the headline (then a byline block) is not yet the article.
  for (let start = Math.max(from, headline + 1); start < to; ) {
    const run = firstStrongRun(scores, start, to, minScore);
    if (run === null) return best;
    if (runWords(lines, run) >= D.minSingleParagraphWords) return run;
    start = run.end + 1;
  }
  return best;
}

function runWords(lines: readonly PageLine[], run: Run): number {
  let words = 0;
  for (let i = run.start; i <= run.end; i++)
    if ((lines[i] as PageLine).drop === null) words += (lines[i] as PageLine).words;
  return words;
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

/** Reads as text: a few words with sentence punctuation, or mostly lower-case words (a list item). */
function textLine(line: PageLine): boolean {
  return (
    line.words >= D.shortTextMinWords &&
    (line.sentence || line.lowercaseWords >= D.textLowercaseShare * line.words)
  );
}

const SPEAKER = /^\p{Lu}[\p{L}.' -]{1,40}: \S/u;
const INNER_SENTENCE_END = /[.!?…]["”’'»)]*\s+\S/u;
const ASKS = /[?!]["”’'»)]*$/u;

/**
 * A turn of an interview or a dialogue, though it ends with a question or an exclamation as a
 * headline may: a speaker's name before a colon ("Nikolai Huke: Wo sind Sie …?"), or a sentence
 * before the last one ("Öh, glaub ja. Weshalb?"). Headlines seldom hold two sentences.
 */
function dialogueLine(line: PageLine): boolean {
  if (!ASKS.test(line.text)) return false;
  return SPEAKER.test(line.text) || INNER_SENTENCE_END.test(line.text.slice(0, -1));
}

/** Stops the run in either direction: chrome, a date or byline, a link list, an echo. */
function fence(line: PageLine): boolean {
  return line.chrome || line.echo || line.meta !== null || line.byline || line.linkList !== null;
}

/**
 * Skipped while growing: blank lines and dropped lines that are not chrome, nor a separator
 * without a word ("* * *", a code listing's "..."): a section break inside the article, not its end.
 */
function skipped(line: PageLine): boolean {
  return line.text.length === 0 || (line.drop !== null && (!line.chrome || line.words === 0));
}

/** A paragraph of running text: a body line of sentences in mostly lower-case words, in any language. */
function proseLine(line: PageLine): boolean {
  return line.body && line.length >= D.proseMinLength && line.sentence && reads(line) && !fence(line);
}

/**
 * The paragraph past a subheading at `at`, stepping by `step` (+1 down, -1 up) within [from, to):
 * its index when a prose line comes after at most D.maxSubheadingLinesCrossed short lines and
 * no fence, else -1. Prose on both sides of a subheading is one article split by it; a label
 * followed by teasers, a form or a list of links is where the article ends.
 */
function proseBeyond(lines: readonly PageLine[], at: number, step: 1 | -1, from: number, to: number): number {
  for (let i = at, crossed = 0; i >= from && i < to; i += step) {
    const line = lines[i] as PageLine;
    if (skipped(line)) continue;
    if (fence(line)) return -1;
    if (proseLine(line)) return i;
    if (++crossed > D.maxSubheadingLinesCrossed) return -1;
  }
  return -1;
}

/** Ends growing down, and bridging: chrome, an echo, a date or byline, a long link list. */
function hardFence(line: PageLine): boolean {
  return line.chrome || line.echo || line.meta !== null || line.byline || line.linkList === 'long';
}

/** Whether a paragraph of prose comes within D.continuedProseReach lines from `at`, stepping by `step`. */
function proseWithin(
  lines: readonly PageLine[],
  at: number,
  step: 1 | -1,
  from: number,
  to: number,
): boolean {
  for (let i = at, seen = 0; i >= from && i < to && seen < D.continuedProseReach; i += step) {
    const line = lines[i] as PageLine;
    if (skipped(line)) continue;
    if (proseLine(line)) return true;
    seen++;
  }
  return false;
}

/**
 * The paragraph of prose past the short lines at `at`, stepping by `step` within [from, to): its
 * index when only short lines lie between (D.maxBridgedShortLines, D.bridgedWordedShare) and the
 * article goes on past it (D.continuedProseReach), else -1. A list, a recipe's numbered steps, a
 * slideshow's counters between paragraphs are the article's; a comment form or a menu is not.
 */
function bridgeBeyond(
  lines: readonly PageLine[],
  at: number,
  step: 1 | -1,
  from: number,
  to: number,
): number {
  let worded = 0;
  for (let i = at, crossed = 0; i >= from && i < to; i += step) {
    const line = lines[i] as PageLine;
    if (skipped(line)) continue;
    if (hardFence(line)) return -1;
    if (proseLine(line))
      return worded >= crossed * D.bridgedWordedShare && proseWithin(lines, i + step, step, from, to)
        ? i
        : -1;
    if (line.length >= D.proseMinLength || ++crossed > D.maxBridgedShortLines) return -1;
    if (line.words >= D.shortTextMinWords) worded++;
  }
  return -1;
}

/**
 * The run grown down over the text lines under it, as jusText relabels short blocks by their
 * neighbours: a text line is taken with the few short lines between it and the run (a name
 * under a quote, a list's label). Chrome, dates, bylines and long link lists stop the growth,
 * and so does a headline-shaped line, the label of whatever follows the article ("You may
 * also like", "On Our Radar"), unless a paragraph of prose follows it: then it is a subheading
 * of the article. Articles of short lines (a changelog, quotes with their names) are thus kept
 * whole, not just their densest paragraphs. Growing up takes the text lines right above the
 * run (a short first paragraph, a standfirst) up to the first line that is not text (the
 * headline, a byline, a date), or across a subheading to the prose above it, but never above `from`.
 * Either way it crosses a stretch of short lines (a list, numbered steps) to prose the article
 * goes on with (bridgeBeyond).
 */
export function growRun(lines: readonly PageLine[], run: Run, to: number, from = 0): Run {
  let start = run.start;
  for (let i = run.start - 1; i >= from; i--) {
    const line = lines[i] as PageLine;
    if (skipped(line)) continue;
    if (fence(line)) break;
    // Sentences only: a headline-shaped line (the article's headline, a kicker) stops it,
    // unless prose of the same article lies just above it.
    if (!textLine(line) || !line.sentence || (isTitleLike(line.text, line.words) && !dialogueLine(line))) {
      const prose = proseBeyond(lines, i, -1, from, to);
      const above = prose >= 0 ? prose : bridgeBeyond(lines, i, -1, from, to);
      if (above < 0) break;
      i = above;
    }
    start = i;
  }
  let end = run.end;
  let shorts = 0;
  for (let i = run.end + 1; i < to; i++) {
    const line = lines[i] as PageLine;
    if (skipped(line)) continue;
    if (hardFence(line)) break;
    if (textLine(line)) {
      end = i;
      shorts = 0;
    } else {
      const title = isTitleLike(line.text, line.words);
      const prose = title ? proseBeyond(lines, i, 1, from, to) : -1;
      const below = prose >= 0 ? prose : bridgeBeyond(lines, i, 1, from, to);
      if (below >= 0) {
        end = below;
        i = below;
        shorts = 0;
      } else if (title || ++shorts > D.maxShortLinesCrossed) break;
    }
  }
  return { ...run, start, end };
}

/** Mostly lower-case words, a standfirst's length at least, no furniture: what a standfirst and an opening are made of. */
function runningText(line: PageLine): boolean {
  return reads(line) && line.words >= D.standfirstMinWords && !fence(line);
}

/**
 * The standfirst between the page headline at `headline` and the body starting at `start`:
 * the one or two paragraphs of running text (sentences of mostly lower-case words) past the
 * first byline, date, share row or credit there. A paragraph of text stays text wherever the
 * page put its furniture; the dek above the byline is the headline's, as articleBody leaves it.
 * [] when there is none, or more text than a standfirst.
 */
export function standfirstLines(lines: readonly PageLine[], headline: number, start: number): number[] {
  if (headline < 0 || start <= headline + 1 || start - headline > D.standfirstReach) return [];
  const found: number[] = [];
  let fenced = false;
  for (let i = headline + 1; i < start; i++) {
    const line = lines[i] as PageLine;
    if (line.text.length === 0) continue;
    fenced ||= fence(line);
    if (line.drop !== null || !fenced) continue;
    if (line.sentence && runningText(line) && found.push(i) > D.maxStandfirstLines) return [];
  }
  return found;
}

/** A paragraph of running text ending like a sentence, as a standfirst is. */
function openingLine(line: PageLine): boolean {
  return line.drop === null && endsLikeSentence(line.text) && runningText(line);
}

/**
 * The article's opening above the body starting at `start`: the one or two paragraphs of running
 * text right under a headline-shaped line (or the article's date), parted from the body by short
 * lines only (a contents list, a subheading, captions, a share row), not below `from`. Growing the
 * run stops at such a block; what lies right under the headline is still the article's. Never
 * across a date, a byline or a link list: a dek above the byline is the headline's (articleBody
 * leaves it out), a teaser's blurb sits above navigation. [] when there is none.
 */
export function openingAbove(lines: readonly PageLine[], start: number, from: number): number[] {
  let i = start - 1;
  let gap = 0;
  for (; i >= from; i--) {
    const line = lines[i] as PageLine;
    if (line.text.length === 0 || line.drop !== null) continue;
    if (openingLine(line)) break;
    if (line.meta !== null || line.byline || line.linkList !== null) return [];
    if (line.body || ++gap > D.maxOpeningGapLines) return [];
  }
  if (gap === 0) return [];
  const found: number[] = [];
  for (; i >= from; i--) {
    const line = lines[i] as PageLine;
    if (line.text.length === 0) continue;
    if (openingLine(line) && found.length < D.maxStandfirstLines) {
      found.unshift(i);
      continue;
    }
    // The headline, even one dropped as repeated (the page shows it twice), or the article's date.
    const words = found.reduce((sum, j) => sum + (lines[j] as PageLine).words, 0);
    return words >= D.openingMinWords && (isTitleLike(line.text, line.words) || line.meta !== null)
      ? found
      : [];
  }
  return [];
}

/**
 * The lines between a standfirst and the body under it when they are the article's data: a
 * flattened table (a recipe's ingredients, a product's specifications) with its labels, short
 * lines only, no date, byline, chrome or long link list among them. [] otherwise: between a
 * standfirst and its body news pages put their furniture.
 */
export function dataUnderStandfirst(
  lines: readonly PageLine[],
  standfirst: readonly number[],
  start: number,
): number[] {
  const last = standfirst[standfirst.length - 1];
  if (last === undefined) return [];
  const taken: number[] = [];
  let table = false;
  for (let i = last + 1; i < start; i++) {
    const line = lines[i] as PageLine;
    if (skipped(line)) continue;
    if (hardFence(line) || line.length >= D.proseMinLength) return [];
    table ||= line.tableRow;
    taken.push(i);
  }
  return table ? taken : [];
}

/** A row opening with its quantity ("350 g Zucker", "1 Pck. Backpulver", "½ cup butter"), as ingredient and parts lists do. */
const QUANTITY_FIRST = /^[\d½¼¾⅓⅔]/u;

/**
 * A flattened table above the body (a recipe's ingredients above its steps, a product's
 * specifications above its description), parted from it by short lines only (a "Method" label,
 * cooking times, step numbers; at most D.maxDataGapLines), with the labels among its rows
 * ("For the filling:"): the article's data, as trafilatura keeps a page's tables and lists. Its
 * lines and those under it, in page order, not above `from`; [] when a date, a byline, chrome,
 * a long link list or a paragraph comes first, or the rows are fewer than a table's or mostly
 * open with no quantity (a menu of dated items).
 */
export function dataAbove(lines: readonly PageLine[], start: number, from: number): number[] {
  const taken: number[] = [];
  let i = start - 1;
  for (let gap = 0; i >= from; i--) {
    const line = lines[i] as PageLine;
    // A tab's label shown twice ("Zubereitung" / "Zubereitung") and icons are passed over, not fences.
    if (skipped(line) || line.echo || line.words === 0) continue;
    if (line.tableRow) break;
    if (hardFence(line) || line.length >= D.proseMinLength || ++gap > D.maxDataGapLines) return [];
    taken.push(i);
  }
  let rows = 0;
  let quantities = 0;
  let labels: number[] = [];
  for (; i >= from; i--) {
    const line = lines[i] as PageLine;
    if (skipped(line)) continue;
    if (line.tableRow) {
      rows++;
      if (QUANTITY_FIRST.test(line.text)) quantities++;
      taken.push(...labels, i);
      labels = [];
    } else if (
      !line.body &&
      line.length < D.tailLabelMaxLength &&
      !hardFence(line) &&
      labels.length < D.maxDataLabelLines
    )
      labels.push(i);
    else break;
  }
  taken.push(...labels);
  return rows >= LINE_DEFAULTS.tableMinRows && quantities * 2 >= rows ? taken.reverse() : [];
}

/** A name and a numeric date opening a line above the body ("Carlos Nadalim 27/09/2018 …"): a byline without "By". */
const DATED_NAME = /^(\p{Lu}[\p{L}'’-]+\s+\p{Lu}[\p{L}'’-]+)\s+\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b/u;

/**
 * Where the author box begins at the end of a run ("Über Moritz Bachmann", "Meg James is a
 * reporter…", "Email Tariq Malik at …"): the first line past the run's first half by words that
 * names the author of a byline above the run. An article rarely names its own author; the box
 * under it always does. A name opening a dated line ("Carlos Nadalim 27/09/2018 …") is a byline
 * too, but a weaker one: its box is a label ending with the name or a line opening with it.
 * -1 when there is none.
 */
export function authorBoxStart(lines: readonly PageLine[], from: number, run: Run): number {
  // name → whether any line naming it starts the box (a "By" byline), or only a label or a line
  // opening with it ("About Jane Doe", "Jane Doe is …"), for a name read off a dated line.
  const names = new Map<string, boolean>();
  for (let i = from; i < run.start; i++) {
    const line = lines[i] as PageLine;
    const byline = line.byline ? BYLINE_NAME.exec(line.text)?.[1] : undefined;
    if (byline !== undefined) names.set(byline, true);
    const dated = byline === undefined && line.hasDigit ? DATED_NAME.exec(line.text)?.[1] : undefined;
    if (dated !== undefined && !names.has(dated)) names.set(dated, false);
  }
  if (names.size === 0) return -1;
  const half = runWords(lines, run) / 2;
  let words = 0;
  for (let i = run.start; i <= run.end; i++) {
    const line = lines[i] as PageLine;
    if (line.drop !== null) continue;
    words += line.words;
    if (words <= half || line.text.length === 0) continue;
    for (const [name, anywhere] of names) {
      const at = line.text.indexOf(name);
      if (at >= 0 && (anywhere || at === 0 || (!line.body && at + name.length === line.text.length)))
        return i;
    }
  }
  return -1;
}

const LABEL_END = /(?:[:…]|\.\.\.)$/u;
const BRACKETED = /^\(.*\)$/u;

/** The closing quote of each opening one, in the main European styles („…“, “…”, «…», »…«, "…"). */
const QUOTE_CLOSERS: Readonly<Record<string, string>> = {
  '„': '“',
  '“': '”',
  '«': '»',
  '»': '«',
  '"': '"',
  '‚': '‘',
};

/** A line opening a quotation it does not close: the lines under it are the quote (lyrics, a poem). */
function opensQuote(text: string): boolean {
  const closer = QUOTE_CLOSERS[text[0] as string];
  return closer !== undefined && !text.includes(closer, 1);
}

/** A line ending in a figure ("-5.44%", "225.86", "3-1"): a table row's last cell. */
const FIGURE_END = /\p{N}[%‰]?$/u;

/**
 * The lines of [start, end] that are a teaser box inside the body: a short run of headline-shaped
 * lines (a link list too short to fence the article off) that no line of the text introduces.
 * An article's own list hangs off a line ending in ":" or "…" ("You will learn:"); a box of
 * links to other stories ("Trending", "More from us", or no label at all) sits between
 * paragraphs without one; a quotation opened above and running over the lines is quoted text
 * (lyrics, verse). Bracketed notes ("(Graphic: … - here)") are text, and so is a run
 * most of whose lines end in a figure: a small table (a ticker, scores), not headlines.
 */
export function teaserBoxLines(lines: readonly PageLine[], start: number, end: number): Set<number> {
  const box = new Set<number>();
  let introduced = false;
  let run: number[] = [];
  const close = () => {
    const figures = run.filter((i) => FIGURE_END.test((lines[i] as PageLine).text)).length;
    if (figures * 2 <= run.length) for (const i of run) box.add(i);
    run = [];
  };
  for (let i = start; i <= end; i++) {
    const line = lines[i] as PageLine;
    if (line.text.length === 0) continue;
    if (line.linkList !== 'short' || line.tableRow || BRACKETED.test(line.text)) {
      close();
      introduced = LABEL_END.test(line.text) || opensQuote(line.text);
    } else if (!introduced) run.push(i);
  }
  close();
  return box;
}

/** The nearest non-blank line past `at`, stepping by `step` (+1 down, -1 up). */
function nextNonBlank(lines: readonly PageLine[], at: number, step: 1 | -1): PageLine | undefined {
  for (let i = at + step; i >= 0 && i < lines.length; i += step) {
    const line = lines[i] as PageLine;
    if (line.text.length > 0) return line;
  }
  return undefined;
}

/**
 * The body's last line when it runs into a list of cards: paragraphs each framed above and below
 * by the same repeated line (a share row, a "read more" link), as teaser lists repeat one
 * template per item. The article has its own paragraphs before the first card; `end` when there are
 * fewer than two cards.
 */
export function endAtCards(lines: readonly PageLine[], start: number, end: number): number {
  const cards: number[] = [];
  for (let i = start + 1; i <= end; i++) {
    const line = lines[i] as PageLine;
    if (!line.body || line.drop !== null) continue;
    const above = nextNonBlank(lines, i, -1);
    const below = nextNonBlank(lines, i, 1);
    if (above?.drop === 'furniture' && below?.drop === 'furniture' && above.text === below.text)
      cards.push(i);
  }
  if (cards.length < 2) return end;
  return trimTrailingLabels(lines, start, (cards[0] as number) - 1);
}

/** A line led by a symbol ("👁 Prepare for …", "• More from us"): a promo bullet, not a sentence of text. */
const SYMBOL_LED = /^[\p{So}•▪►▸]/u;

/**
 * The body's last line when a gap near its end cuts the page's tail off: D.tailGapLines short
 * lines or more in a row between paragraphs, most of them headlines or symbol-led promos (a teaser
 * list, a video box, "Topics", a row of author links), with less than D.tailShare of the body's
 * words and a few paragraphs under it (an author bio, a site blurb, a comment policy). The
 * article's own lists are of phrases ("sehr winterhart", "nicht düngen"), sentences (questions
 * and answers) or table rows (ingredients), or have the rest of the article under them. `end`
 * when there is no such gap.
 */
export function endAtGap(lines: readonly PageLine[], start: number, end: number): number {
  let words = 0;
  let paragraphs = 0;
  for (let i = start; i <= end; i++) {
    const line = lines[i] as PageLine;
    if (line.text.length === 0 || line.drop !== null) continue;
    words += line.words;
    if (line.body) paragraphs++;
  }
  const tailWords = D.tailShare * words;
  let gap = -1;
  let gapLines = 0;
  let headlines = 0;
  for (let i = start; i <= end; i++) {
    const line = lines[i] as PageLine;
    if (line.text.length === 0 || line.drop !== null) continue;
    if (line.body || line.tableRow) {
      const tail = words < tailWords && paragraphs <= D.tailMaxParagraphs;
      if (tail && gapLines >= D.tailGapLines && headlines * 2 > gapLines)
        return trimTrailingLabels(lines, start, gap - 1);
      gapLines = 0;
      headlines = 0;
      if (line.body) paragraphs--;
    } else {
      if (gapLines++ === 0) gap = i;
      if (!line.sentence && (isTitleLike(line.text, line.words) || SYMBOL_LED.test(line.text))) headlines++;
    }
    words -= line.words;
  }
  return end;
}

const DASH_LED = /^[—–]\s/u;

/**
 * A short line that labels or links to something after it: it ends with a colon or an ellipsis
 * ("Lesen Sie auch:", "Das könnte Dich auch interessieren …"), or is headline-shaped without
 * sentence punctuation ("Zurück zu allen Meldungen", "En savoir plus"). A bracketed note
 * ("(Graphic: … - here)") and a dash-led attribution ("— Name (@handle) date") belong to the text.
 */
function labelLine(line: PageLine): boolean {
  if (line.body || line.tableRow || line.length >= D.tailLabelMaxLength) return false;
  if (BRACKETED.test(line.text) || DASH_LED.test(line.text)) return false;
  return LABEL_END.test(line.text) || (!line.sentence && isTitleLike(line.text, line.words));
}

/**
 * The body's last line once the labels closing it are left out. Growing the run takes a short
 * line of text under the last paragraph, but when nothing of the article follows it, a line
 * that labels what comes next ("More on this topic:", "Share this:", a back link) announces the
 * page's teasers, share row or navigation, as jusText drops a short block next to a bad one.
 * A label ending in ":" or "…" goes with the few short lines under it ("Lesen Sie auch:" and
 * two headlines); a paragraph under it is the article's own, and so are the sentences under a
 * label that reads as a clause of running text ("What remains is the certainty:" and its last
 * line): a teaser's label is a few words, its headlines rarely end like sentences.
 */
export function trimTrailingLabels(lines: readonly PageLine[], start: number, end: number): number {
  let last = end;
  // Short lines passed since the last cut: what a label ending in ":" or "…" may announce.
  let under = 0;
  // Whether every line passed since the last cut is a sentence of text (ends like one).
  let sentences = true;
  for (let i = end; i > start; i--) {
    const line = lines[i] as PageLine;
    if (skipped(line)) continue;
    if (labelLine(line) && (under === 0 || (LABEL_END.test(line.text) && !(sentences && reads(line))))) {
      last = i - 1;
      under = 0;
      sentences = true;
      continue;
    }
    sentences &&= textLine(line) && endsLikeSentence(line.text);
    if (line.body || ++under > D.maxAnnouncedLines) break;
  }
  return last;
}
