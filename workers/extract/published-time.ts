/**
 * Publish times as pages write them: relative ("2 hours ago", "3h ago", "Yesterday") and
 * absolute ("July 26, 2025", "26 Jul 2025 14:05", "Nov. 19, 2019 8:03 am ET", "2019-11-19",
 * "19/11/2019"). Relative times resolve against the page's capture time, because a page
 * saved last week that says "2 hours ago" meant two hours before it was saved.
 */

export interface PublishedTime {
  /** The expression as the page wrote it ("2 hours ago"). */
  text: string;
  /** Where the expression starts and ends in the searched string. */
  start: number;
  end: number;
  /** ISO 8601 instant, or null when the expression names no resolvable date. */
  iso: string | null;
}

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  mo: 30 * 86_400_000,
  y: 365 * 86_400_000,
};

// English month names plus the common Romance/Germanic ones (French, Italian, Spanish,
// Portuguese, German, Dutch, Indonesian); each entry is the stem a month name starts with.
const MONTH_STEMS: Array<[string, number]> = [
  ['jan', 0],
  ['feb', 1],
  ['fev', 1],
  ['mar', 2],
  ['mär', 2],
  ['apr', 3],
  ['abr', 3],
  ['may', 4],
  ['mai', 4],
  ['mei', 4],
  ['jun', 5],
  ['jul', 6],
  ['aug', 7],
  ['ago', 7],
  ['agu', 7],
  ['sep', 8],
  ['set', 8],
  ['oct', 9],
  ['out', 9],
  ['okt', 9],
  ['nov', 10],
  ['dec', 11],
  ['dez', 11],
  ['des', 11],
  ['dic', 11],
  ['gen', 0],
  ['ene', 0],
  ['fév', 1],
  ['avr', 3],
  ['mag', 4],
  ['juin', 5],
  ['giu', 5],
  ['juil', 6],
  ['lug', 6],
  ['aoû', 7],
  ['ott', 9],
  ['déc', 11],
];
const MONTH =
  '(?:jan(?:uary|eiro|uari|vier)?|feb(?:ruary|ruar|ruari|braio|rero)?|fev(?:ereiro)?|février|mar(?:ch|ço|co|et|zo|s)?|märz|apr(?:il|ile)?|abr(?:il)?|avril|' +
  'may(?:o)?|mai(?:o)?|mei|june?|jun(?:ho|i|io)?|juin|july?|jul(?:ho|i|io)?|juillet|aug(?:ust|ustus)?|ago(?:sto)?|agu(?:stus)?|août|' +
  'sep(?:t(?:ember|embro|iembre|embre)?)?|set(?:embro|tembre)?|oct(?:ober|ubre|obre)?|out(?:ubro)?|okt(?:ober)?|nov(?:ember|embro|iembre|embre)?|' +
  'dec(?:ember)?|dez(?:ember|embro)?|des(?:ember)?|dic(?:iembre|embre)?|décembre|gennaio|enero|maggio|giugno|luglio|ottobre)\\.?';
const TIME_OF_DAY =
  '(?:,?\\s*(?:at\\s+)?\\d{1,2}[:.]\\d{2}(?::\\d{2})?\\s*(?:[ap]\\.?m\\.?)?(?:\\s*[A-Z]{2,4}\\b)?)?';
const YEAR = '(?:19|20)\\d{2}';

const PATTERNS: Array<{ kind: 'relative' | 'dayword' | 'mdy' | 'dmy' | 'iso' | 'numeric'; re: RegExp }> = [
  {
    kind: 'relative',
    re: /\b(an?|one|\d{1,3})\s*(seconds?|secs?|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|wks?|w|months?|mos?|years?|yrs?|y)\s+ago\b/iu,
  },
  { kind: 'dayword', re: /\b(just now|yesterday|today)\b/iu },
  {
    kind: 'iso',
    re: /\b((?:19|20)\d{2})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?)?/u,
  },
  {
    kind: 'mdy',
    re: new RegExp(`\\b(${MONTH})\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(${YEAR})${TIME_OF_DAY}`, 'iu'),
  },
  {
    kind: 'dmy',
    re: new RegExp(
      `\\b(\\d{1,2})(?:st|nd|rd|th|\\.)?\\s+(?:de\\s+)?(${MONTH})\\s+(?:de\\s+)?(${YEAR})${TIME_OF_DAY}`,
      'iu',
    ),
  },
  { kind: 'numeric', re: /\b(\d{1,2})[/.](\d{1,2})[/.]((?:19|20)\d{2})\b/u },
];

const HAS_YEAR = /(?:19|20)\d\d/;
const RELATIVE_HINT = /ago|yesterday|today|just now/i;

function monthIndex(name: string): number | null {
  const lower = name.toLowerCase().replace('.', '');
  for (const [stem, index] of MONTH_STEMS) if (lower.startsWith(stem)) return index;
  return null;
}

/** Hours and minutes from the time-of-day tail of an absolute date ("8:03 am ET"). */
function timeOfDay(tail: string): [number, number] {
  const match = /(\d{1,2})[:.](\d{2})\s*([ap])?/iu.exec(tail);
  if (!match) return [0, 0];
  let hours = Number(match[1]);
  const pm = match[3]?.toLowerCase() === 'p';
  if (pm && hours < 12) hours += 12;
  if (match[3]?.toLowerCase() === 'a' && hours === 12) hours = 0;
  return [hours, Number(match[2])];
}

function utcIso(year: number, month: number, day: number, hours = 0, minutes = 0): string | null {
  if (month < 0 || month > 11 || day < 1 || day > 31 || hours > 23 || minutes > 59) return null;
  const date = new Date(Date.UTC(year, month, day, hours, minutes));
  return date.getUTCDate() === day ? date.toISOString() : null;
}

function resolve(kind: string, match: RegExpExecArray, capturedAt: Date): string | null {
  const captured = capturedAt.getTime();
  if (Number.isNaN(captured) && (kind === 'relative' || kind === 'dayword')) return null;
  switch (kind) {
    case 'relative': {
      const amount = /^\d/.test(match[1] ?? '') ? Number(match[1]) : 1;
      const unit = (match[2] ?? '').toLowerCase();
      const key = unit.startsWith('mo') ? 'mo' : (unit[0] ?? 's');
      return new Date(captured - amount * (UNIT_MS[key] ?? 0)).toISOString();
    }
    case 'dayword': {
      const word = (match[1] ?? '').toLowerCase();
      return new Date(captured - (word === 'yesterday' ? (UNIT_MS.d ?? 0) : 0)).toISOString();
    }
    case 'iso': {
      if (match[4] !== undefined) {
        const parsed = new Date(match[0].replace(' ', 'T') + (match[7] ? '' : 'Z'));
        return Number.isNaN(parsed.getTime()) ? null : parsed.toISOString();
      }
      return utcIso(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
    }
    case 'mdy': {
      const month = monthIndex(match[1] ?? '');
      const [hours, minutes] = timeOfDay(match[0].slice(match[0].indexOf(match[3] ?? '') + 4));
      return month === null ? null : utcIso(Number(match[3]), month, Number(match[2]), hours, minutes);
    }
    case 'dmy': {
      const month = monthIndex(match[2] ?? '');
      const [hours, minutes] = timeOfDay(match[0].slice(match[0].indexOf(match[3] ?? '') + 4));
      return month === null ? null : utcIso(Number(match[3]), month, Number(match[1]), hours, minutes);
    }
    default: {
      // 05/11/2019 is ambiguous; a first number above 12 settles it, else month first (US style).
      const first = Number(match[1]);
      const second = Number(match[2]);
      const [day, month] = first > 12 ? [first, second] : [second, first];
      return utcIso(Number(match[3]), month - 1, day);
    }
  }
}

/**
 * The first publish-time expression in `text`, or null. Absolute dates resolve to UTC midnight
 * (or the written time of day, zone ignored); relative ones to `capturedAt` minus the amount.
 */
export function findPublishedTime(text: string, capturedAt: Date): PublishedTime | null {
  // Absolute dates all carry a year, relative ones say "ago" or name the day: most lines have
  // neither, and skipping the full patterns for them keeps this cheap on every line of a page.
  const hasYear = HAS_YEAR.test(text);
  if (!hasYear && !RELATIVE_HINT.test(text)) return null;
  let best: { kind: string; match: RegExpExecArray } | null = null;
  for (const { kind, re } of PATTERNS) {
    if (!hasYear && kind !== 'relative' && kind !== 'dayword') continue;
    const match = re.exec(text);
    if (match && (best === null || match.index < best.match.index)) best = { kind, match };
  }
  if (best === null) return null;
  const { kind, match } = best;
  return {
    text: match[0].trim(),
    start: match.index,
    end: match.index + match[0].length,
    iso: resolve(kind, match, capturedAt),
  };
}
