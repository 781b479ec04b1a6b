import { describe, expect, it } from 'vitest';
import { countWords } from '../../../workers/extract/line-shape.ts';
import { parseMeta } from '../../../workers/extract/meta-line.ts';

const capturedAt = new Date('2025-07-26T12:00:00Z');
const metaOf = (text: string) => {
  const meta = parseMeta(text, countWords(text), capturedAt, /\d/.test(text));
  return meta === null ? null : { published: meta.published.text, source: meta.source };
};

describe('parseMeta', () => {
  it.each([
    ['2 hours ago', '2 hours ago', null],
    ['NDTV · 1 day ago', '1 day ago', 'NDTV'],
    ['Source: Reuters | Published: July 25, 2025', 'July 25, 2025', 'Reuters'],
    ['PUBLISHED: November 19, 2019 | UPDATED: November 20, 2019', 'November 19, 2019', null],
    ['By Jane Doe | July 25, 2025', 'July 25, 2025', null],
    ['Yesterday', 'Yesterday', null],
    ['Pubblicato il 19 Febbraio 2020 Ultima modifica 19 Febbraio 2020 12:02', '19 Febbraio 2020', null],
    ['Publié le 2 mars 2020 | Mis à jour le 3 mars 2020', '2 mars 2020', null],
  ])('reads "%s" as a meta line published %s, source %s', (text, published, source) => {
    expect(metaOf(text)).toEqual({ published, source });
  });

  it('is null for a line without a time', () => {
    expect(metaOf('Time of India')).toBeNull();
  });

  it('is null for a sentence that merely holds a date', () => {
    expect(metaOf('The council agreed on July 25, 2025 to fund the new bridge over the river')).toBeNull();
  });

  it('is null for a line too long to be a meta line', () => {
    expect(metaOf(`July 25, 2025 ${'word '.repeat(14)}`)).toBeNull();
  });
});
