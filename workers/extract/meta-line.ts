/**
 * Meta lines of a page dump: a line that is mostly a publish time, maybe with an outlet, a
 * byline and field labels ("NDTV · 1 day ago", "Source: X | Published: Y"). Judged per line
 * when the page's lines are built (page-lines.ts); article headers form around them
 * (segment-headers.ts).
 */
import { AUTHOR_LABEL, SOURCE_LABEL, TIME_LABEL } from './clean-patterns.ts';
import { countWords } from './line-shape.ts';
import { findPublishedTime, type PublishedTime } from './published-time.ts';

/** The tuning of meta lines, in one place: each value with the reason it has. */
export const META_DEFAULTS = {
  /** A meta line is this many words at most: a longer line with a date in it is text. */
  maxWords: 14,
  /** …and this many characters at most, for the same reason in scripts without spaces. */
  maxLength: 120,
  /** Words besides the time (outlet, byline, labels) a meta line may hold: more is a sentence with a date. */
  maxRestWords: 6,
  /** Before the labels are read, the rest may hold this many words more ("Published:", "Updated:"). */
  restLabelAllowance: 2,
  /** Time expressions stripped besides the first ("PUBLISHED: <date> | UPDATED: <date>"): a line rarely holds more. */
  maxExtraTimes: 3,
  /** An outlet name ("NDTV", "Time of India") is this many words at most. */
  sourceMaxWords: 5,
} as const;

const D = META_DEFAULTS;
const PART_SEPARATOR = /\s*(?:[|·•]|\s[-–—]\s)\s*/u;
const DIGITLESS_TIME_HINT = /ago|yesterday|today|just now/i;

export interface Meta {
  published: PublishedTime;
  source: string | null;
}

/** A line that is mostly a publish time, with at most an outlet, a byline and field labels. */
export function parseMeta(text: string, words: number, capturedAt: Date, hasDigit = true): Meta | null {
  if (words > D.maxWords || text.length > D.maxLength || words === 0) return null;
  // Without a digit only day words ("Yesterday") and spelled-out amounts ("an hour ago") can be times.
  if (!hasDigit && !DIGITLESS_TIME_HINT.test(text)) return null;
  const published = findPublishedTime(text, capturedAt);
  if (published === null) return null;
  // Strip every time expression ("PUBLISHED: <date> | UPDATED: <date>"), not just the first.
  let rest = text.slice(0, published.start) + text.slice(published.end);
  for (let more = findPublishedTime(rest, capturedAt), n = 0; more !== null && n < D.maxExtraTimes; n++) {
    rest = rest.slice(0, more.start) + rest.slice(more.end);
    more = findPublishedTime(rest, capturedAt);
  }
  if (countWords(rest) > D.maxRestWords + D.restLabelAllowance) return null;
  let source: string | null = null;
  let restWords = 0;
  for (const raw of rest.split(PART_SEPARATOR)) {
    const part = raw.replace(/^[\s(,]+|[\s),:]+$/gu, '');
    if (part.length === 0 || TIME_LABEL.test(`${part}:`) || /^(?:published|updated|posted)$/iu.test(part))
      continue;
    if (AUTHOR_LABEL.test(part)) continue;
    const labelled = SOURCE_LABEL.test(part);
    // A second label may follow the first once its time is stripped ("Pubblicato il Ultima modifica").
    const value = part.replace(SOURCE_LABEL, '').replace(TIME_LABEL, '').replace(TIME_LABEL, '').trim();
    const words = countWords(value);
    restWords += words;
    if (
      source === null &&
      value.length > 0 &&
      words <= D.sourceMaxWords &&
      (labelled || /^\p{Lu}/u.test(value))
    ) {
      source = value;
    }
  }
  return restWords <= D.maxRestWords ? { published, source } : null;
}
