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

  it('takes the first paragraph as the lead when the meta description starts it, and keeps it in the body', () => {
    const article = extractHtmlArticle(fixture, { capturedAt });
    expect(article?.lead).toMatch(/^The island ferry is back in service/);
    expect(article?.body.startsWith(`${article?.lead}\n\n`)).toBe(true);
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

  it('takes the standfirst between headline and text that Readability leaves in the header, not the byline or caption', () => {
    const html = readFileSync(new URL('../../fixtures/html/standfirst.html', import.meta.url), 'utf8');
    const body = extractHtmlArticle(html, { capturedAt })?.body ?? '';
    expect(body).toMatch(/^After two winters of leaks .* from Monday\.\n\nThe old gates had been in place/);
    expect(body).not.toMatch(/Mira Kovač|photographed on Friday|Lock gates replaced/);
  });

  it('takes the standfirst under the headline past a row of dates and tag links, and a first section with its subheading', () => {
    const html = readFileSync(
      new URL('../../fixtures/html/standfirst-past-tags.html', import.meta.url),
      'utf8',
    );
    const body = extractHtmlArticle(html, { capturedAt })?.body ?? '';
    expect(body).toMatch(
      /^From November the island ferry .* evening\.\n\nFewer crossings\n\nBetween November/,
    );
    expect(body).toContain('until the spring.\n\nThe operator says');
    expect(body).not.toMatch(/#Ferry|Reading time|03\.11\.2025/);
  });

  it('keeps the text of a page built of captions, where furniture marks would leave nothing', () => {
    const html = readFileSync(
      new URL('../../fixtures/html/slideshow-captions.html', import.meta.url),
      'utf8',
    );
    const body = extractHtmlArticle(html, { capturedAt })?.body ?? '';
    expect(body).toMatch(/^Bigger deck\n\nThe new ferry carries sixty cars/);
    expect(body).toContain('the season ticket for islanders is still valid on the new ship.');
    expect(body).not.toMatch(/Most read|Valley Post/);
  });

  it("takes the densest container's text when Readability settles on the author box in a <footer>", () => {
    const html = readFileSync(new URL('../../fixtures/html/author-box-footer.html', import.meta.url), 'utf8');
    const body = extractHtmlArticle(html, { capturedAt })?.body ?? '';
    expect(body).toMatch(/^We recorded this episode live on the quay/);
    expect(body).not.toMatch(/About Ana Ribeiro|houseboat/);
  });

  it('drops caption lines opened by a picture label outside <figure> markup, and keeps the text around them', () => {
    const html = readFileSync(new URL('../../fixtures/html/caption-lines.html', import.meta.url), 'utf8');
    const body = extractHtmlArticle(html, { capturedAt })?.body ?? '';
    expect(body).not.toMatch(/Abbildung 1|Photo: a snow pit/);
    expect(body).toContain('along the ice.\n\nThe laser scanner on board');
    expect(body).toContain('planned the flights.\n\nNext winter the plane');
  });

  it("leaves out a teaser's blurb Readability dropped between two paragraphs: it sits in another wrapper than the text's", () => {
    const html = readFileSync(new URL('../../fixtures/html/teaser-in-gap.html', import.meta.url), 'utf8');
    const body = extractHtmlArticle(html, { capturedAt })?.body ?? '';
    expect(body).toContain('forty knots.\n\nThe operator says the training');
    expect(body).not.toMatch(/Last winter|injured passenger/);
  });

  it("reads on into the sections below Readability's choice that open with a subheading over paragraphs in the same kind of box", () => {
    const html = readFileSync(new URL('../../fixtures/html/sections-below.html', import.meta.url), 'utf8');
    const body = extractHtmlArticle(html, { capturedAt })?.body ?? '';
    expect(body).toMatch(/^The lock keepers, .* for good\.\n\nThe upper lock next\n\nThe trust now plans/s);
    expect(body).toMatch(/Help wanted\n\nVolunteers who want to help .* lifted out\.$/);
    expect(body).not.toMatch(/Most read|Valley Post/);
  });

  it('ends the text with the box that holds most of it: a prompt in a box of its own after it goes', () => {
    const html = readFileSync(
      new URL('../../fixtures/html/trailing-widget-box.html', import.meta.url),
      'utf8',
    );
    const body = extractHtmlArticle(html, { capturedAt })?.body ?? '';
    expect(body).toMatch(/^From Friday the night buses .* for students and pensioners as well\.$/s);
    expect(body).not.toContain('supporting it');
  });

  it("keeps the article's repeated subheadings and figure lines, and drops a repeated label", () => {
    const html = readFileSync(new URL('../../fixtures/html/repeated-sections.html', import.meta.url), 'utf8');
    const body = extractHtmlArticle(html, { capturedAt })?.body ?? '';
    expect(body).toContain('Day 2\n\nRest 10 minutes\n\nOn day 2 the plan');
    expect(body.match(/Rest 10 minutes/g)).toHaveLength(3);
    expect(body).not.toContain('Show picture');
  });

  it('reads back a paragraph Readability dropped with a long gap of short lines, but not those lines', () => {
    const gap = `<div class="extra"><p>The harbour master said the repairs would take the whole winter, and that the ferry would use the north pier until spring.</p><ul>${[1, 2, 3, 4, 5, 6].map((n) => `<li>Photo ${n}</li>`).join('')}</ul></div>`;
    const html = `<html><body><article>${paragraph(1)}${paragraph(2)}${gap}${paragraph(3)}${paragraph(4)}</article></body></html>`;
    const body = extractHtmlArticle(html, { capturedAt })?.body ?? '';
    expect(body).toContain('night.\n\nThe harbour master said the repairs would take the whole winter');
    expect(body).not.toContain('Photo 1');
  });

  it('keeps lines broken by <br> as paragraphs of one block', () => {
    const html = `<html><body><article>${paragraph(1)}<p>Round 1: March<br>Round 2: April<br>Round 3: May</p>${paragraph(2)}</article></body></html>`;
    expect(extractHtmlArticle(html, { capturedAt })?.body).toContain(
      'Round 1: March\n\nRound 2: April\n\nRound 3: May',
    );
  });

  it('keeps an embedded tweet Readability drops from between two paragraphs', () => {
    const tweet = `<div class="social-media-embed"><blockquote class="twitter-tweet"><p>The ferry is back and the queue is already long https://t.co/x1</p>&mdash; Harbour Watch (@harbourwatch) <a href="https://twitter.com/x">July 26, 2025</a></blockquote></div>`;
    const html = `<html><body><article>${paragraph(1)}${paragraph(2)}${tweet}${paragraph(3)}${paragraph(4)}</article></body></html>`;
    expect(extractHtmlArticle(html, { capturedAt })?.body).toContain(
      'Paragraph 2 of the story tells, in a full sentence with more than enough words to read as prose to anyone, what happened after the storm last night.\n\nThe ferry is back and the queue is already long https://t.co/x1\n\n— Harbour Watch (@harbourwatch) July 26, 2025\n\nParagraph 3',
    );
  });

  it('drops a caption box holding a single paragraph, which Readability unwraps', () => {
    const caption = `<div class="image-ct"><img src="a.jpg"><div class="caption"><p>Passengers queue at the harbour on Saturday morning, waiting for the first crossing. (Photo by Ana Ribeiro/Port Authority)</p></div></div>`;
    const html = `<html><body><article>${paragraph(1)}${caption}${paragraph(2)}${paragraph(3)}</article></body></html>`;
    expect(extractHtmlArticle(html, { capturedAt })?.body).not.toContain('Passengers queue');
  });

  it('reads furniture words in camelCase class names', () => {
    const caption = `<div class="photo"><img src="b.jpg"><span class="newsCaption">The first ferry of the season leaves the harbour</span></div>`;
    const html = `<html><body><article>${paragraph(1)}${caption}${paragraph(2)}${paragraph(3)}</article></body></html>`;
    expect(extractHtmlArticle(html, { capturedAt })?.body).not.toContain('The first ferry');
  });

  it('keeps a sentence that links most of its words to a source', () => {
    const linked = `<p>The operator confirmed on Saturday that <a href="/a">the crossing would run every hour until the end of the summer season</a>.</p>`;
    const html = `<html><body><article>${paragraph(1)}${linked}${paragraph(2)}${paragraph(3)}</article></body></html>`;
    expect(extractHtmlArticle(html, { capturedAt })?.body).toContain('The operator confirmed on Saturday');
  });

  it('keeps only the post whose heading is the page title when a list of posts wins', () => {
    const post = (title: string, n: number) =>
      `<article><h2>${title}</h2>${paragraph(n)}${paragraph(n + 1)}</article>`;
    const html = `<html><head><meta property="og:title" content="Ferry returns — Harbour News"></head><body><main>
      ${post('Ferry returns', 1)}${post('Bridge plan delayed again', 3)}${post('Market reopens', 5)}</main></body></html>`;
    const body = extractHtmlArticle(html, { capturedAt })?.body ?? '';
    expect(body).toContain('Paragraph 2');
    expect(body).not.toMatch(/Paragraph [3-6]/);
  });

  it('keeps short result lines after the last paragraph of the article', () => {
    const html = `<html><body><article>${paragraph(1)}${paragraph(2)}<h2>Results</h2><p><strong>Rovers d. United 3-1</strong></p><p><strong>City d. Town 2-0</strong></p></article></body></html>`;
    expect(extractHtmlArticle(html, { capturedAt })?.body).toMatch(
      /Results\n\nRovers d\. United 3-1\n\nCity d\. Town 2-0$/,
    );
  });

  it('drops a lead-in whose list of links is gone, and one that ends the text', () => {
    const links = `<ul><li><a href="/1">Bridge plan shelved again</a></li><li><a href="/2">Port fees to rise</a></li></ul>`;
    const html = `<html><body><article>${paragraph(1)}<p>Read more:</p>${links}${paragraph(2)}<h2>Most read</h2>${links}${paragraph(3)}<p>Contact:</p></article></body></html>`;
    const body = extractHtmlArticle(html, { capturedAt })?.body ?? '';
    expect(body).toContain('Paragraph 3');
    expect(body).not.toMatch(/Read more|Most read|Contact/);
  });

  it('keeps a lead-in followed by what it introduces', () => {
    const html = `<html><body><article>${paragraph(1)}<p>The timetable:</p><ul><li>Monday: closed</li><li>Tuesday: 9-17</li></ul>${paragraph(2)}</article></body></html>`;
    expect(extractHtmlArticle(html, { capturedAt })?.body).toContain('The timetable:\n\nMonday: closed');
  });

  it('finds a post made of a list that Readability refuses, beside a shorter promo', () => {
    const item = (n: number) =>
      `<li>Tip ${n}: keep the seedlings in a bright place and water them every other day, never more, or the roots will rot</li>`;
    const items = Array.from({ length: 10 }, (_, n) => item(n + 1)).join('');
    const html = `<html><body><header><p>Our newsletter, every Friday, with recipes, tips, offers, and news from the garden.</p></header><main><h1>Ten tips for seedlings</h1><ol>${items}</ol></main></body></html>`;
    const body = extractHtmlArticle(html, { capturedAt })?.body ?? '';
    expect(body).toContain('Tip 1: keep');
    expect(body).toContain('Tip 10: keep');
    expect(body).not.toContain('newsletter');
  });

  it('reads a whole paragraph set in heading markup as a paragraph, not as a subheading', () => {
    const long =
      'This opening paragraph, which the site sets in an h3 element, runs on for far more words than any heading would, telling the reader why this is the last letter for a while and what comes next.';
    const html = `<html><body><article><h3>${long}</h3><h3>A new start</h3>${paragraph(1)}${paragraph(2)}</article></body></html>`;
    expect(extractHtmlArticle(html, { capturedAt })?.body).toMatch(
      /^This opening paragraph.*\n\nA new start\n\nParagraph 1/s,
    );
  });

  it('drops comment prompts, rating boxes, licence notices and info boxes inside the article', () => {
    const html = `<html><body><article>${paragraph(1)}${paragraph(2)}<div class="article-rating">Rate this article</div>
      <p class="licenceInfo">Material protected by copyright, all rights reserved by the publisher.</p>
      <div class="infobox"><h2>Further information</h2><p>Call the harbour office.</p></div>
      <p class="akismet_comment_form_privacy_notice">This site uses a spam filter to reduce spam.</p></article></body></html>`;
    const body = extractHtmlArticle(html, { capturedAt })?.body ?? '';
    expect(body).toContain('Paragraph 2');
    expect(body).not.toMatch(/Rate this|protected by copyright|Further information|harbour office|spam/);
  });

  it('drops one or two label lines after the last paragraph, and keeps a longer run of short lines', () => {
    const labels = `<html><body><article>${paragraph(1)}${paragraph(2)}<p>Print</p><p>Source: agencies</p></article></body></html>`;
    expect(extractHtmlArticle(labels, { capturedAt })?.body).toMatch(
      /what happened after the storm last night\.$/,
    );
    const credits = `<html><body><article>${paragraph(1)}${paragraph(2)}<p>Light a Wish by a lighting group</p><p>Cloud by two studios</p><p>Gate by a sculptor</p></article></body></html>`;
    expect(extractHtmlArticle(credits, { capturedAt })?.body).toMatch(
      /Cloud by two studios\n\nGate by a sculptor$/,
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
