import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countWords, isSeparator, isTitleLike, measureLine } from '../../../workers/extract/line-shape.ts';

// The scan replaces Unicode-property regexes; these are the definitions it must agree with.
const WORDS = /[\p{L}\p{N}_]+/gu;
const WIDE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;

describe('measureLine', () => {
  it('counts words as the scorers do, on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        expect(countWords(text)).toBe(text.match(WORDS)?.length ?? 0);
      }),
    );
  });

  it('counts wide characters double and finds digits and lower-case words', () => {
    expect(measureLine('東京 news 2025')).toEqual({
      words: 3,
      lowercaseWords: 1,
      length: 14,
      hasDigit: true,
      spacesToSqueeze: false,
    });
    const text = '北京と𠮷野家';
    expect(measureLine(text).length).toBe(text.length + (text.match(WIDE)?.length ?? 0));
  });

  it('says when a line has whitespace to squeeze', () => {
    expect(measureLine('a  b').spacesToSqueeze).toBe(true);
    expect(measureLine(' a b').spacesToSqueeze).toBe(true);
    expect(measureLine('a\tb').spacesToSqueeze).toBe(true);
    expect(measureLine('a\u00a0b').spacesToSqueeze).toBe(true);
    expect(measureLine('a b').spacesToSqueeze).toBe(false);
  });
});

describe('line kinds', () => {
  it.each(['———', '* * *', '____'])('treats "%s" as a separator', (line) =>
    expect(isSeparator(line)).toBe(true),
  );

  it.each([
    'Hong Kong protests: 800 students under siege in university',
    '“Buying Chinese products is indirectly funding enemy”',
    'Who pays the cost of a tariff?',
  ])('treats "%s" as headline-shaped', (line) => expect(isTitleLike(line)).toBe(true));

  it.each(['The market closed lower on Friday.', 'follow us at www.example.com', 'lower case start here'])(
    'does not treat "%s" as headline-shaped',
    (line) => expect(isTitleLike(line)).toBe(false),
  );
});
