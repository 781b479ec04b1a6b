/**
 * A publish time given as a field value (JSON record, HTML meta tag, `<time datetime>`) to
 * ISO 8601. Such values are mostly machine-written ISO or RFC 2822 timestamps, which
 * `Date.parse` reads with their zone; anything else goes through the page-text parser, which
 * knows relative and written-out dates.
 */
import { findPublishedTime } from './published-time.ts';

const YEAR = /\b(?:19|20)\d{2}\b/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:$|T)/;

export function resolvePublished(value: string, capturedAt: Date): string | null {
  const trimmed = value.trim();
  if (ISO_DATE.test(trimmed)) return isoOrNull(Date.parse(trimmed));
  const found = findPublishedTime(trimmed, capturedAt)?.iso;
  if (found) return found;
  // V8's lenient fallback parser turns almost any digit into a date; demand a year.
  return YEAR.test(trimmed) ? isoOrNull(Date.parse(trimmed)) : null;
}

function isoOrNull(time: number): string | null {
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}
