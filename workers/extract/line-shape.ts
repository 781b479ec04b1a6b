/**
 * The shape of one line of page text: how long it is, whether it reads as a sentence or as
 * a headline. Cleaning and segmenting decide from these measures rather than from phrases,
 * so they carry over to sites and languages they were not tuned on.
 */

const WORD = /[\p{L}\p{N}_]+/gu;
// Han, Hiragana, Katakana and Hangul carry about two Latin letters' worth of text per character.
const WIDE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;
const NON_ASCII = /[^ -~\t]/u;
const TERMINAL = /[.!?。！？…:;]["”’'»)\]]*$/u;
const SENTENCE_MARK = /[.!?。！？][\s"”’'»)\]]/u;
const HAS_LETTER = /[\p{L}\p{N}]/u;
const STARTS_LIKE_HEADLINE = /^["“‘'«([]?[\p{Lu}\p{N}\p{Lo}]/u;

/** Words as the scorers count them: runs of letters, digits and underscores. */
export function countWords(text: string): number {
  // A char-code scan for the common (ASCII) case; the Unicode pattern only when needed.
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128) return countWordsUnicode(text);
    const wordChar = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
    if (wordChar && !inWord) count++;
    inWord = wordChar;
  }
  return count;
}

function countWordsUnicode(text: string): number {
  let count = 0;
  WORD.lastIndex = 0;
  while (WORD.exec(text) !== null) count++;
  return count;
}

/** Length in Latin-letter equivalents: wide (CJK) characters count double. */
export function effectiveLength(text: string): number {
  if (!NON_ASCII.test(text)) return text.length;
  let wide = 0;
  WIDE.lastIndex = 0;
  while (WIDE.exec(text) !== null) wide++;
  return text.length + wide;
}

/** True when the line ends like a sentence or a clause ("." "?" ":" with closing quotes). */
export function endsLikeSentence(line: string): boolean {
  return TERMINAL.test(line);
}

/** True when the line holds sentence punctuation anywhere (end, or followed by a space). */
export function hasSentencePunctuation(line: string): boolean {
  return TERMINAL.test(line) || SENTENCE_MARK.test(line);
}

/** A line with no letter or digit: rules, dots, bullets ("———", "* * *"). */
export function isSeparator(line: string): boolean {
  return line.length > 0 && !HAS_LETTER.test(line);
}

/**
 * Headline-shaped: a few words, starts with a capital, digit or quote, and does not end
 * like a plain sentence (questions and exclamations are fine, headlines ask them).
 */
export function isTitleLike(line: string, words = countWords(line)): boolean {
  if (words < 2 || words > 30 || line.length > 220) return false;
  if (/[.:;,]["”’'»)\]]*$/u.test(line) && !/\.\.\.$|…$/u.test(line)) return false;
  if (/@|https?:\/\/|www\./u.test(line)) return false;
  return STARTS_LIKE_HEADLINE.test(line);
}

const LOWER_WORD = /(?:^|\s)["“‘'(]?\p{Ll}/gu;

/**
 * Share of words that start in lower case. Running text in cased scripts is mostly lower
 * case; navigation rows and headline lists are mostly capitalised words.
 */
export function lowercaseShare(line: string, words = countWords(line)): number {
  if (words === 0) return 0;
  let lower = 0;
  LOWER_WORD.lastIndex = 0;
  while (LOWER_WORD.exec(line) !== null) lower++;
  return Math.min(1, lower / words);
}
