import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChromeCounts } from '../../../workers/extract/chrome-counts.ts';
import { explainPage } from '../../../workers/extract/explain-page.ts';
import { chromeKey } from '../../../workers/extract/learned-chrome.ts';
import { readSegments } from '../../../workers/extract/segment-page.ts';

// Five real blog pages (../shared/data/snippet-bench) whose sidebar lists the archive months with
// post counts ("August 2019 (9)"): four teach, the fifth is read with what they taught. The four
// are German, the fifth English: the months they share (April, August, September, November) are learned.
const FIXTURES = join(import.meta.dirname, '../../fixtures/chrome');
const read = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const capturedAt = new Date('2025-01-01T00:00:00Z');
const NOW = Date.UTC(2026, 5, 1);
const teachers = readdirSync(FIXTURES).filter((name) => name.startsWith('blog-archive-teacher-'));
const target = read('blog-archive-target.txt');

function taught(): ChromeCounts {
  const counts = new ChromeCounts();
  for (const name of teachers)
    counts.count(name, readSegments(read(name), { capturedAt, knownChrome: new Set() }).chromeKeys, NOW);
  return counts;
}
const paragraph = (n: number) =>
  `Paragraph ${n} of the report says the council met on Tuesday and voted to widen the road, which residents had asked for.`;

describe('chromeKey', () => {
  it('is one key for a line whatever its case and its numbers, another for other text', () => {
    expect(chromeKey('August 2019 (9)')).toBe(chromeKey('august 2017 (12)'));
    expect(chromeKey('Comments (3)')).not.toBe(chromeKey('Comment (3)'));
    expect(Number.isSafeInteger(chromeKey('Impressum'))).toBe(true);
    expect(chromeKey('Übersicht')).toBe(chromeKey('ÜBERSICHT'));
  });
});

describe('segmenting with learned chrome', () => {
  it("marks the lines other pages taught as learned chrome, and keeps the article's title and text", () => {
    expect(teachers).toHaveLength(4);
    const alone = readSegments(target, { capturedAt });
    const withKnown = readSegments(target, { capturedAt, knownChrome: taught().known(NOW) });
    const [before, after] = [alone.articles, withKnown.articles].map((articles) =>
      articles.find((article) => article.primary),
    );
    // Alone, the archive widget under the post is left out already: its months close with their
    // counts, a long link list (page-lines.ts). Learning marks the months the teachers share.
    expect(before?.body).not.toContain('August 2019 (9)');
    expect(after?.body).toBe(before?.body);
    expect(after?.title).toBe(before?.title);
    const learned = withKnown.lines.filter((line) => line.drop === 'learned-chrome');
    expect(learned.length).toBeGreaterThan(50);
    for (const line of learned) expect(line.text).toMatch(/^\p{L}+ \d{4} \(\d+\)$/u);
  });

  it('teaches the same keys whatever it was taught, each once, and not its first line (the title)', () => {
    expect(readSegments(target, { capturedAt }).chromeKeys).toEqual([]);
    const alone = readSegments(target, { capturedAt, knownChrome: new Set() }).chromeKeys;
    expect(readSegments(target, { capturedAt, knownChrome: taught().known(NOW) }).chromeKeys).toEqual(alone);
    expect(new Set(alone).size).toBe(alone.length);
    expect(alone).not.toContain(chromeKey(target.split('\n')[0] as string));
  });

  it('keeps a known line that sits against a paragraph, and counts no long line or date', () => {
    const page = [
      'Road to be widened - Town News',
      '',
      'Ratgeber',
      paragraph(1),
      'Wetter',
      'Lokales',
      'Sport',
      paragraph(2),
      paragraph(3),
      'Published 12 March 2024',
      'Kurznachrichten',
      'Veranstaltungen',
    ].join('\n');
    const short = ['Ratgeber', 'Wetter', 'Lokales', 'Sport', 'Kurznachrichten', 'Veranstaltungen'];
    const known = new Set([...short, 'Published 12 March 2024', paragraph(3)].map(chromeKey));
    const { lines, chromeKeys } = readSegments(page, { capturedAt, knownChrome: known });
    const drops = lines
      .filter((line) => line.text.length > 0)
      .map((line) => [line.text.slice(0, 12), line.drop]);
    expect(drops).toEqual([
      ['Road to be w', null],
      ['Ratgeber', null],
      ['Paragraph 1 ', null],
      ['Wetter', null],
      ['Lokales', 'learned-chrome'],
      ['Sport', null],
      ['Paragraph 2 ', null],
      ['Paragraph 3 ', null],
      ['Published 12', null],
      ['Kurznachrich', 'learned-chrome'],
      ['Veranstaltun', 'learned-chrome'],
    ]);
    expect(new Set(chromeKeys)).toEqual(new Set(short.map(chromeKey)));
  });

  it('shows the drop in --explain', () => {
    const { lines } = explainPage(new TextEncoder().encode(target), {
      fileName: 'target.txt',
      capturedAt,
      knownChrome: taught().known(NOW),
    });
    expect(lines.find((line) => line.text === 'August 2019 (9)')).toMatchObject({
      drop: 'learned-chrome',
      article: null,
    });
  });
});
