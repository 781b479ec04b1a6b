/**
 * `sluice extract --explain`: every line of a text dump with the score segmenting gave it and
 * the signals that kept it in an article or left it out (issue 12, item 5), so a wrong body can
 * be traced to the signal that chose it instead of guessed at.
 */
import { decode } from './decode.ts';
import { detectFormat, type InputFormat } from './detect-format.ts';
import type { KnownChrome } from './learned-chrome.ts';
import type { DropReason, PageLine } from './page-lines.ts';
import { readSegments } from './segment-page.ts';

export interface ExplainedLine {
  /** Index among the page's lines, from 0 (a dump line cut of inline junk may give several). */
  index: number;
  text: string;
  /** Its score for the densest run (article-region.ts; as text with no header above): text up, chrome down. */
  score: number;
  /** Why the line was left out of every article, or null. */
  drop: DropReason | null;
  /** The other verdicts on it: header, sentence, paragraph, meta, byline, link list, table row. */
  signals: string[];
  /** Which article took it (0 is the first printed), or null. */
  article: number | null;
}

/** The verdicts of a line, as short names. */
function signalsOf(line: PageLine, inHeader: boolean): string[] {
  const signals: string[] = [];
  if (inHeader) signals.push('header');
  if (line.sentence) signals.push('sentence');
  if (line.body) signals.push('paragraph');
  if (line.meta !== null) signals.push('meta');
  if (line.byline) signals.push('byline');
  if (line.linkList !== null) signals.push(`link-list:${line.linkList}`);
  if (line.tableRow) signals.push('table-row');
  return signals;
}

/**
 * Every non-blank line of a text dump, explained; no lines for HTML and JSON, which are not
 * read line by line. Throws `InputError` for input decode refuses (empty, binary).
 */
export function explainPage(
  bytes: Uint8Array,
  options: { fileName: string; capturedAt: Date; knownChrome?: KnownChrome },
): { format: InputFormat; lines: ExplainedLine[] } {
  const text = decode(bytes, options.fileName);
  const format = detectFormat(text, options.fileName);
  if (format !== 'text') return { format, lines: [] };
  const page = readSegments(text, { capturedAt: options.capturedAt, knownChrome: options.knownChrome });
  const articleOf = new Map<number, number>();
  page.taken.forEach((indices, k) => {
    for (const i of indices) articleOf.set(i, k);
  });
  const explained: ExplainedLine[] = [];
  page.lines.forEach((line, i) => {
    if (line.text.length === 0) return;
    explained.push({
      index: i,
      text: line.text,
      score: page.scores.plain[i] as number,
      drop: line.drop,
      signals: signalsOf(line, page.inHeader[i] === 1),
      article: articleOf.get(i) ?? null,
    });
  });
  return { format, lines: explained };
}

/** One explained line as `sluice extract --explain` prints it: taken by, score, reasons, text. */
export function formatExplainedLine(line: ExplainedLine): string {
  const taken = line.article === null ? '  -' : `a${line.article}`.padStart(3);
  const score = Number.isFinite(line.score) ? line.score.toFixed(2) : line.score > 0 ? '+inf' : '-inf';
  const why = [line.drop === null ? null : `drop:${line.drop}`, ...line.signals].filter((s) => s !== null);
  return `${String(line.index).padStart(5)} ${taken} ${score.padStart(6)}  ${why.join(',').padEnd(28)} ${line.text}`;
}
