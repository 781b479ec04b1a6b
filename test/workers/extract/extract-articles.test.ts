import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../lib/errors.ts';
import { extractArticles } from '../../../workers/extract/extract-articles.ts';
import { countWords } from '../../../workers/extract/line-shape.ts';
import { segmentPage } from '../../../workers/extract/segment-page.ts';

const capturedAt = new Date('2025-07-27T12:00:00Z');
const formats = new URL('../../fixtures/formats/', import.meta.url);
const bad = new URL('../../fixtures/bad/', import.meta.url);
const pages = new URL('../../fixtures/pages/', import.meta.url);
const withGolden = (folder: URL, suffix: string) =>
  readdirSync(folder).filter((name) => readdirSync(folder).includes(`${name}${suffix}`));

describe('extractArticles', () => {
  it.each(withGolden(formats, '.expected.json'))('extracts %s as its .expected.json golden', (name) => {
    const articles = extractArticles(readFileSync(new URL(name, formats)), { fileName: name, capturedAt });
    expect(articles).toEqual(JSON.parse(readFileSync(new URL(`${name}.expected.json`, formats), 'utf8')));
  });

  it.each(withGolden(bad, '.error.json'))(
    'refuses %s with the code and message of its .error.json golden',
    (name) => {
      const golden = JSON.parse(readFileSync(new URL(`${name}.error.json`, bad), 'utf8'));
      let thrown: unknown;
      try {
        extractArticles(readFileSync(new URL(name, bad)), { fileName: name, capturedAt });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InputError);
      expect(thrown).toMatchObject({ code: golden.code, file: name, retryable: false });
      expect((thrown as InputError).message).toContain(golden.message);
    },
  );

  it('gives every bad fixture a golden', () => {
    const inputs = readdirSync(bad).filter((name) => !name.endsWith('.error.json'));
    expect(inputs.filter((name) => !readdirSync(bad).includes(`${name}.error.json`))).toEqual([]);
  });

  it('hands page text to segmentPage and fills language and word count', () => {
    const page = readFileSync(
      new URL('../../../../shared/data/seed/daily8-china-russia.txt', import.meta.url),
    );
    const articles = extractArticles(page, { fileName: 'page.txt', capturedAt });
    const segmented = segmentPage(page.toString('utf8'), { capturedAt });
    expect(articles.map((article) => article.title)).toEqual(segmented.map((article) => article.title));
    expect(articles.filter((article) => article.primary)).toHaveLength(1);
    for (const article of articles) {
      expect(article.language).toBe('en');
      expect(article.wordCount).toBeGreaterThan(0);
    }
  });

  it('counts the words of every article as countWords counts its body, whatever the reader', () => {
    const inputs = [
      ...readdirSync(pages)
        .filter((name) => name.endsWith('.txt'))
        .map((name) => new URL(name, pages)),
      ...withGolden(formats, '.expected.json').map((name) => new URL(name, formats)),
    ];
    for (const input of inputs) {
      const name = input.pathname.slice(input.pathname.lastIndexOf('/') + 1);
      for (const article of extractArticles(readFileSync(input), { fileName: name, capturedAt }))
        expect(article.wordCount, name).toBe(countWords(article.body));
    }
  });

  it('extracts a one-line 10 MB text page without failing', () => {
    const sentence = 'The council met on Tuesday and agreed to repair the old bridge before winter. ';
    const page = Buffer.from(sentence.repeat(Math.ceil(10_000_000 / sentence.length)));
    const articles = extractArticles(page, { fileName: 'long-line.txt', capturedAt });
    expect(articles.filter((article) => article.primary)).toHaveLength(1);
  });

  it('never throws anything but InputError, on any bytes or text', () => {
    const check = (bytes: Uint8Array, fileName: string) => {
      try {
        const articles = extractArticles(bytes, { fileName, capturedAt });
        expect(articles.filter((article) => article.primary)).toHaveLength(1);
        for (const article of articles) expect(article.wordCount).toBe(countWords(article.body));
      } catch (error) {
        expect(error).toBeInstanceOf(InputError);
      }
    };
    const fileName = fc.constantFrom('page.txt', 'page.html', 'records.json', 'records.jsonl', 'noext');
    fc.assert(fc.property(fc.uint8Array({ maxLength: 1500 }), fileName, check), { numRuns: 200 });
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 1500 }), fileName, (text, name) =>
        check(Buffer.from(text), name),
      ),
      { numRuns: 200 },
    );
  });

  it('survives arbitrary HTML and JSON shapes', () => {
    const html = fc
      .array(
        fc.constantFrom(
          '<p>',
          '</p>',
          '<div class="share">',
          '</div>',
          '<a href="#">',
          '</a>',
          '<br>',
          'Some words here. ',
        ),
      )
      .map((parts) => `<html><body>${parts.join('')}</body></html>`);
    const json = fc.jsonValue().map((value) => JSON.stringify(value));
    fc.assert(
      fc.property(fc.oneof(html, json), (text) => {
        try {
          extractArticles(Buffer.from(text), { fileName: 'input', capturedAt });
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 200 },
    );
  });
});
