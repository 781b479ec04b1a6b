import { describe, expect, it } from 'vitest';
import { explainPage, formatExplainedLine } from '../../../workers/extract/explain-page.ts';

const capturedAt = new Date('2025-01-01T00:00:00Z');
const paragraph = (n: number) =>
  `Paragraph ${n} of the report says the council met on Tuesday and voted to widen the road, which residents had asked for.`;
const explain = (text: string, fileName = 'page.txt') =>
  explainPage(new TextEncoder().encode(text), { fileName, capturedAt });

describe('explainPage', () => {
  it('gives each line the article that took it, its score and why the others were dropped', () => {
    const page = [
      'Road to be widened - Town News',
      '',
      'Home',
      'Share on Facebook',
      paragraph(1),
      paragraph(2),
      paragraph(3),
    ];
    const { format, lines } = explain(page.join('\n'));
    expect(format).toBe('text');
    const byText = new Map(lines.map((line) => [line.text, line]));
    expect(byText.get(paragraph(2))).toMatchObject({ article: 0, drop: null });
    expect(byText.get(paragraph(2))?.signals).toContain('sentence');
    expect(byText.get(paragraph(2))?.score).toBeGreaterThan(0);
    expect(byText.get('Share on Facebook')).toMatchObject({ article: null, drop: 'chrome' });
    expect(byText.get('Home')?.article).toBeNull();
    expect(formatExplainedLine(byText.get('Share on Facebook') as never)).toMatch(
      / - .*drop:chrome .*Share on Facebook$/,
    );
  });

  it('explains no lines of an HTML page, which is not read line by line', () => {
    const html = `<html><head><title>Road</title></head><body><p>${paragraph(1)}</p></body></html>`;
    expect(explain(html, 'page.html')).toEqual({ format: 'html', lines: [] });
  });
});
