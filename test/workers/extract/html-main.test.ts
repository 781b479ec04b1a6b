import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectBlocks } from '../../../workers/extract/html-blocks.ts';
import { parseDocument } from '../../../workers/extract/html-document.ts';
import { MAIN_TEXT_DEFAULTS, mainText } from '../../../workers/extract/html-main.ts';

const pageOf = (html: string) => collectBlocks(parseDocument(html).body);
const fixture = readFileSync(new URL('../../fixtures/html/main-text.html', import.meta.url), 'utf8');

describe('mainText', () => {
  it('picks the element holding the prose, not the menu, teaser, link lists or footer', () => {
    const page = pageOf(fixture);
    const main = mainText(page);
    expect(main?.element.getAttribute('id')).toBe('story');
    const under = page.blocks.filter((block) => main && block.path[main.depth] === main.element);
    expect(under.map((block) => block.text)).toContain('Fare: 4 euros');
    expect(under.map((block) => block.text).join(' ')).not.toMatch(/Most read|newsletter|©/);
  });

  it('weighs navigation against prose: the container with the link list loses to the one without', () => {
    const links = Array.from(
      { length: 8 },
      (_, n) => `<li><a href="/${n}">A long headline of a related story, number ${n}</a></li>`,
    );
    const prose =
      '<p>One paragraph of prose that tells, in a full sentence, what happened on the pier today.</p>';
    const page = pageOf(
      `<html><body><div id="wide"><div id="text">${prose}</div><ul>${links.join('')}</ul></div></body></html>`,
    );
    expect(mainText(page)?.element.getAttribute('id')).toBe('text');
    const blind = mainText(page, { ...MAIN_TEXT_DEFAULTS, navigationPenalty: 0 });
    expect(blind?.element.tagName).toBe('BODY');
  });

  it('counts a list of teasers (a linked headline, then an excerpt) against its container', () => {
    const teaser = (n: number) =>
      `<div class="item"><a href="/${n}">Headline of another story, number ${n}</a> The opening lines of that other story, long enough to read as prose, follow here.</div>`;
    const prose = (n: number) =>
      `<p>Paragraph ${n} of the story tells, in a full sentence with enough words, what happened on the pier today.</p>`;
    const page = pageOf(
      `<html><body><main id="page"><div id="story">${prose(1)}${prose(2)}</div><div id="more">${[1, 2, 3, 4].map(teaser).join('')}</div></main></body></html>`,
    );
    expect(mainText(page)?.element.getAttribute('id')).toBe('story');
    const blind = mainText(page, { ...MAIN_TEXT_DEFAULTS, teaserLinkChars: Number.POSITIVE_INFINITY });
    expect(blind?.element.querySelector('#more')).not.toBeNull();
  });

  it('says null for a page without prose', () => {
    expect(
      mainText(pageOf('<html><body><nav><a href="/">Home</a></nav><p>Menu</p></body></html>')),
    ).toBeNull();
  });
});
