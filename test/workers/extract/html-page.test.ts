import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractHtmlArticle } from '../../../workers/extract/html-page.ts';

const capturedAt = new Date('2025-07-27T12:00:00Z');
const fixture = readFileSync(new URL('../../fixtures/formats/harbour-article.html', import.meta.url), 'utf8');
const paragraph = (n: number) =>
  `<p>Paragraph ${n} of the story tells, in a full sentence with more than enough words to read as prose to anyone, what happened after the storm last night.</p>`;

describe('extractHtmlArticle', () => {
  it('drops the caption, byline, share line, related links and footer, and keeps the subheading', () => {
    const article = extractHtmlArticle(fixture, { capturedAt });
    expect(article?.body).not.toMatch(
      /Photo: Port Authority|Ana Ribeiro|Tweet|Related stories|Bridge plan|©/,
    );
    expect(article?.body).toContain('\n\nMore crossings in summer\n\n');
  });

  it('takes the first paragraph as the lead when the meta description starts it', () => {
    const article = extractHtmlArticle(fixture, { capturedAt });
    expect(article?.lead).toMatch(/^The island ferry is back in service/);
    expect(article?.body).not.toContain('The island ferry is back');
  });

  it('reads title, outlet and publish time from meta tags when there is no JSON-LD', () => {
    const html = `<html><head><meta property="og:title" content="Dam opens">
      <meta property="og:site_name" content="Valley Post">
      <meta property="article:published_time" content="2025-01-02T03:04:05Z"></head>
      <body><article>${[1, 2, 3, 4, 5].map(paragraph).join('')}</article></body></html>`;
    expect(extractHtmlArticle(html, { capturedAt })).toMatchObject({
      title: 'Dam opens',
      source: 'Valley Post',
      published: '2025-01-02T03:04:05Z',
      publishedAt: '2025-01-02T03:04:05.000Z',
      primary: true,
    });
  });

  it('keeps short list items and table rows inside the article text', () => {
    const html = `<html><body><article>${paragraph(1)}<ul><li>Monday: closed</li><li>Tuesday: 9-17</li></ul>
      <table><tr><td>Team</td><td>Points</td></tr><tr><td>Rovers</td><td>12</td></tr></table>${paragraph(2)}${paragraph(3)}
      </article></body></html>`;
    const body = extractHtmlArticle(html, { capturedAt })?.body ?? '';
    expect(body).toContain('Monday: closed\n\nTuesday: 9-17\n\nTeam Points\n\nRovers 12');
  });

  it('keeps lines broken by <br> as paragraphs of one block', () => {
    const html = `<html><body><article>${paragraph(1)}<p>Round 1: March<br>Round 2: April<br>Round 3: May</p>${paragraph(2)}</article></body></html>`;
    expect(extractHtmlArticle(html, { capturedAt })?.body).toContain(
      'Round 1: March\n\nRound 2: April\n\nRound 3: May',
    );
  });

  it('reads a fragment without <html> and <body>', () => {
    expect(extractHtmlArticle([1, 2, 3, 4].map(paragraph).join(''), { capturedAt })?.body).toContain(
      'Paragraph 4',
    );
  });

  it('returns null for a page with no article text', () => {
    expect(
      extractHtmlArticle('<html><body><nav><a href="/">Home</a></nav></body></html>', { capturedAt }),
    ).toBeNull();
  });
});
