/**
 * Meta lines of a page dump: a line that is mostly a publish time, maybe with an outlet, a
 * byline and field labels ("NDTV · 1 day ago", "Source: X | Published: Y"). Judged per line
 * when the page's lines are built (page-lines.ts); article headers form around them
 * (segment-headers.ts).
 */
import { AUTHOR_LABEL, SOURCE_LABEL, TIME_LABEL } from './clean-patterns.ts';
import { countWords } from './line-shape.ts';
import { findPublishedTime, type PublishedTime } from './published-time.ts';

const META_MAX_WORDS = 14;
const META_MAX_REST_WORDS = 6;
/** An outlet name ("NDTV", "Time of India") is this many words at most. */
export const SOURCE_MAX_WORDS = 5;
const PART_SEPARATOR = /\s*(?:[|·•]|\s[-–—]\s)\s*/u;
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
