import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { joinWrappedLines } from '../../../workers/extract/wrapped-lines.ts';

describe('joinWrappedLines', () => {
  it('joins the rows of a post wrapped at a fixed width into its paragraphs (a real page)', () => {
    // ../shared/data/snippet-bench: a blog post in a <pre>-like block, one line per screen row.
    const text = readFileSync(
      join(import.meta.dirname, '../../fixtures/pages/wrapped-text-post.txt'),
      'utf8',
    );
    const lines = joinWrappedLines(text).split('\n');
    expect(lines).toContain(
      'This blog article Meta Programming In Python reminded me to write up the equivalent for Emacs Lisp.',
    );
    expect(lines.find((line) => line.startsWith('Decorators in Python enable you'))).toMatch(
      /Advice was the inspiration behind Aspect Oriented Programming in Java\.$/,
    );
    // The headings and the sidebar around it stay as they were.
    expect(lines).toContain('1 Introduction');
    expect(lines).toContain('Blog Archive');
  });

  it('leaves headlines, navigation and ordinary paragraphs alone', () => {
    const headlines = [
      'Lady Gaga holt Fan auf die Bühne – kurz darauf fallen sie gemeinsam runter',
      'Diese 13 Bücher machen dich schlau und sind auch noch gut zu lesen',
      'Poulet sollte man waschen und Kaffee ist ungesund: Food-Mythen im Check',
    ].join('\n');
    expect(joinWrappedLines(headlines)).toBe(headlines);
    const menu = 'Home\nSport\nWeather\nContact us';
    expect(joinWrappedLines(menu)).toBe(menu);
    const paragraphs =
      'The council met on Tuesday and voted to widen the road, which residents had asked for.\n\nWork starts in May.';
    expect(joinWrappedLines(paragraphs)).toBe(paragraphs);
  });

  it('joins rows that break inside sentences, in German as in English', () => {
    const rows = [
      'Die Stadt hat am Dienstag beschlossen, die Straße durch die Altstadt',
      'zu verbreitern, wie es die Anwohner seit Jahren gefordert hatten; die',
      'Arbeiten beginnen im Mai und dauern bis in den Herbst des Jahres hinein.',
    ];
    expect(joinWrappedLines(['Title', '', ...rows, '', 'Footer'].join('\n'))).toBe(
      ['Title', '', rows.join(' '), '', 'Footer'].join('\n'),
    );
  });
});
