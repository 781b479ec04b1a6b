/**
 * The shape of one line of page text: how long it is, whether it reads as a sentence or as
 * a headline. Cleaning and segmenting decide from these measures rather than from phrases,
 * so they carry over to sites and languages they were not tuned on.
 *
 * Every line of every page passes through here, so the measures come from one scan over
 * char codes with a class table, not from Unicode-property regexes (those cost ~10x more).
 */

const WORD_CHAR = 1; // \p{L}, \p{N} or "_": what the scorers count as word characters
const LOWER = 2; // \p{Ll}
const HEADLINE_START = 4; // \p{Lu}, \p{N} or \p{Lo}: a headline may start with it
const WIDE = 8; // Han, Hiragana, Katakana, Hangul: about two Latin letters' worth of text
const DIGIT = 16; // \p{N}
const SPACE = 32; // \s: what the whitespace squeeze replaces
const UNKNOWN = 255;

const CLASS_TESTS: Array<[RegExp, number]> = [
  [/^[\p{L}\p{N}_]$/u, WORD_CHAR],
  [/^\p{Ll}$/u, LOWER],
  [/^[\p{Lu}\p{N}\p{Lo}]$/u, HEADLINE_START],
  [/^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]$/u, WIDE],
  [/^\p{N}$/u, DIGIT],
  [/^\s$/u, SPACE],
];

function classifyCodePoint(codePoint: number): number {
  const char = String.fromCodePoint(codePoint);
  let bits = 0;
  for (const [test, bit] of CLASS_TESTS) if (test.test(char)) bits |= bit;
  return bits;
}

// Filled on first sight of each code unit: pages use a few hundred distinct characters.
const BMP_CLASS = new Uint8Array(0x10000).fill(UNKNOWN);
const ASTRAL_CLASS = new Map<number, number>();

/** The class bits of a BMP code unit (surrogates have none). */
function bits0(code: number): number {
  let bits = BMP_CLASS[code] as number;
  if (bits === UNKNOWN) {
    bits = classifyCodePoint(code);
    BMP_CLASS[code] = bits;
  }
  return bits;
}

/** The class bits of the character at `i` (a whole surrogate pair when one starts there). */
function classAt(text: string, i: number): number {
  const code = text.charCodeAt(i);
  if (code >= 0xd800 && code <= 0xdbff) {
    const codePoint = text.codePointAt(i) as number;
    if (codePoint > 0xffff) {
      let bits = ASTRAL_CLASS.get(codePoint);
      if (bits === undefined) {
        bits = classifyCodePoint(codePoint);
        ASTRAL_CLASS.set(codePoint, bits);
      }
      return bits;
    }
  }
  return bits0(code);
}

/** The measures of one line, from a single scan. */
export interface LineShape {
  /** Words as the scorers count them: runs of letters, digits and underscores. */
  words: number;
  /** Words whose first character is a lower-case letter. */
  lowercaseWords: number;
  /** Length in Latin-letter equivalents: wide (CJK) characters count double. */
  length: number;
  /** Whether any character is a digit. */
  hasDigit: boolean;
  /** Whether the line has whitespace to squeeze: a tab or odd space, two in a row, or at either end. */
  spacesToSqueeze: boolean;
}

// ASCII classes, precomputed so the scan below has one path for every character.
for (let code = 0; code < 128; code++) BMP_CLASS[code] = classifyCodePoint(code);

export function measureLine(text: string): LineShape {
  return measureSpan(text, 0, text.length);
}

/**
 * The measures of `text` from `start` up to `end`, as measureLine gives them for that slice.
 * Measuring a page's lines in place scans one flat string the same way every time, where
 * measuring each split-off line met a mix of string representations and ran ~2x slower.
 */
export function measureSpan(text: string, start: number, end: number): LineShape {
  let words = 0;
  let lowercaseWords = 0;
  let wide = 0;
  let digits = 0;
  let inWord = false;
  let spacesToSqueeze = false;
  let previousCode = 32; // so a leading space counts as a double one
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    // a-z, most of any Latin text, skip the table: this loop is ~15% of segmenting a page.
    if (code >= 97 && code <= 122) {
      if (!inWord) {
        words++;
        lowercaseWords++;
        inWord = true;
      }
      previousCode = code;
      continue;
    }
    // A plain space, the next most common character: no word, no table.
    if (code === 32) {
      spacesToSqueeze ||= previousCode === 32 || i === end - 1;
      inWord = false;
      previousCode = code;
      continue;
    }
    let bits = BMP_CLASS[code] as number;
    if (bits === UNKNOWN || (code >= 0xd800 && code <= 0xdbff)) {
      bits = classAt(text, i);
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < end) i++;
    }
    if ((bits & SPACE) !== 0) spacesToSqueeze ||= code !== 32 || previousCode === 32 || i === end - 1;
    previousCode = code;
    const word = (bits & WORD_CHAR) !== 0;
    if (word && !inWord) {
      words++;
      lowercaseWords += (bits & LOWER) >> 1;
    }
    inWord = word;
    wide += (bits & WIDE) >> 3;
    digits |= bits & DIGIT;
  }
  return { words, lowercaseWords, length: end - start + wide, hasDigit: digits !== 0, spacesToSqueeze };
}

/** Words as the scorers count them: runs of letters, digits and underscores. */
export function countWords(text: string): number {
  return measureLine(text).words;
}

/** Char codes of a set of characters: tested on every line's end, cheaper than one-char strings. */
export function codesOf(chars: string): Set<number> {
  return new Set(Array.from(chars, (char) => char.charCodeAt(0)));
}

const CLOSERS = codesOf('"”’\'»)]');

/** The index after the last character that is not a closing quote or bracket. */
function endBeforeClosers(line: string): number {
  let end = line.length;
  while (end > 0 && CLOSERS.has(line.charCodeAt(end - 1))) end--;
  return end;
}

const TERMINALS = codesOf('.!?。！？…:;');

/** True when the line ends like a sentence or a clause ("." "?" ":" with closing quotes). */
export function endsLikeSentence(line: string): boolean {
  const end = endBeforeClosers(line);
  return end > 0 && TERMINALS.has(line.charCodeAt(end - 1));
}

const SENTENCE_MARK = /[.!?。！？][\s"”’'»)\]]/;

/** True when the line holds sentence punctuation anywhere (end, or followed by a space). */
export function hasSentencePunctuation(line: string): boolean {
  return endsLikeSentence(line) || SENTENCE_MARK.test(line);
}

/** A line with no letter or digit: rules, dots, bullets ("———", "* * *"). */
export function isSeparator(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const code = line.charCodeAt(i);
    if (
      code < 128
        ? (code >= 48 && code <= 57) || ((code | 32) >= 97 && (code | 32) <= 122)
        : (classAt(line, i) & WORD_CHAR) !== 0 && code !== 95
    )
      return false;
  }
  return line.length > 0;
}

const NOT_IN_HEADLINE = /@|https?:\/\/|www\./;
const OPENERS = '"“‘\'«([';

/**
 * Headline-shaped: a few words, starts with a capital, digit or quote, and does not end
 * like a plain sentence (questions and exclamations are fine, headlines ask them).
 */
export function isTitleLike(line: string, words = countWords(line)): boolean {
  if (words < 2 || words > 30 || line.length > 220) return false;
  const end = endBeforeClosers(line);
  const last = line[end - 1] ?? '';
  if ('.:;,'.includes(last) && !line.endsWith('...', end)) return false;
  const first = OPENERS.includes(line[0] as string) ? 1 : 0;
  if (first >= line.length || (classAt(line, first) & HEADLINE_START) === 0) return false;
  return !NOT_IN_HEADLINE.test(line);
}
