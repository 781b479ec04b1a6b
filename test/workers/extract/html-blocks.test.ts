import { readFileSync } from 'node:fs';
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { collectBlocks, type HtmlBlock } from '../../../workers/extract/html-blocks.ts';

const html = readFileSync(new URL('../../fixtures/html/blocks.html', import.meta.url), 'utf8');

function blocksOf(source: string) {
  const { document } = parseHTML(source);
  return collectBlocks(document.body as unknown as Element);
}

const byText = (blocks: readonly HtmlBlock[], text: string) => {
  const block = blocks.find((candidate) => candidate.text === text);
  if (!block) throw new Error(`no block "${text}" in ${JSON.stringify(blocks.map((b) => b.text))}`);
  return block;
};

describe('collectBlocks', () => {
  const { blocks } = blocksOf(html);

  it('splits the text at block elements, in document order, and skips invisible elements', () => {
    expect(blocks.map((block) => block.text)).toEqual([
      'Town hall reopens',
      'The town hall reopened on Monday after the fire.',
      'Opening hours:\n\nMonday to Friday\n\nSaturday mornings',
      'One',
      'Two',
      'Day Hours',
      'We are glad to be back.',
      'The hall on Monday',
      'Photo: Town archive',
      'Hidden notice',
      'Screen-reader free',
      'Plain inline text without a block',
    ]);
  });

  it('counts the characters inside links', () => {
    expect(byText(blocks, 'The town hall reopened on Monday after the fire.').linkChars).toBe(
      'after the fire'.length,
    );
    expect(byText(blocks, 'One').linkChars).toBe(3);
    expect(byText(blocks, 'Two').linkChars).toBe(0);
  });

  it('counts the characters of a link that opens the block, as a teaser headline does', () => {
    expect(byText(blocks, 'One').leadLinkChars).toBe(3);
    expect(byText(blocks, 'The town hall reopened on Monday after the fire.').leadLinkChars).toBe(0);
    const { blocks: teasers } = blocksOf(
      '<html><body><p> <a href="/a">Bridge plan shelved</a> <a href="/b">again</a> The council voted.</p></body></html>',
    );
    expect(teasers[0]?.leadLinkChars).toBe('Bridge plan shelved'.length + 'again'.length);
  });

  it('flags headings, list items, table rows and quotes', () => {
    expect(byText(blocks, 'Town hall reopens')).toMatchObject({ heading: true, item: false, quote: false });
    expect(byText(blocks, 'Two')).toMatchObject({ heading: false, item: true });
    expect(byText(blocks, 'Day Hours').item).toBe(true);
    expect(byText(blocks, 'We are glad to be back.').quote).toBe(true);
    expect(byText(blocks, 'Plain inline text without a block')).toMatchObject({
      heading: false,
      item: false,
      quote: false,
      marks: [],
    });
  });

  it('marks furniture by tag, by class word (camelCase too) and by hidden attributes', () => {
    expect(byText(blocks, 'The hall on Monday').marks.map((mark) => mark.kind)).toEqual(['tag', 'tag']);
    expect(byText(blocks, 'Photo: Town archive').marks).toEqual([
      expect.objectContaining({ kind: 'class', chars: 'Photo: Town archive'.length, holdsContent: false }),
    ]);
    expect(byText(blocks, 'Hidden notice').marks.map((mark) => mark.kind)).toEqual(['hidden']);
    expect(byText(blocks, 'Screen-reader free').marks.map((mark) => mark.kind)).toEqual(['hidden']);
  });

  it('gives each mark the depth of its element in the block path', () => {
    const caption = byText(blocks, 'The hall on Monday');
    expect(caption.marks.map((mark) => caption.path[mark.depth]?.tagName)).toEqual(['FIGURE', 'FIGCAPTION']);
    expect(caption.path[0]?.tagName).toBe('BODY');
  });

  it('doubts a class mark on an element that holds several paragraphs', () => {
    const { blocks: captioned } = blocksOf(
      '<html><body><div class="caption"><p>First paragraph.</p><p>Second paragraph.</p></div></body></html>',
    );
    expect(captioned[0]?.marks[0]?.holdsContent).toBe(true);
  });

  it('maps every text node to the block its text went to', () => {
    const { document } = parseHTML('<html><body><p>One <a href="/">two</a></p><p>three</p></body></html>');
    const page = collectBlocks(document.body as unknown as Element);
    const texts = [...page.blockOfText].map(([node, index]) => [node.nodeValue, index]);
    expect(texts).toEqual([
      ['One ', 0],
      ['two', 0],
      ['three', 1],
    ]);
  });
});
