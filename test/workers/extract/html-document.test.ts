import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../../../workers/extract/html-document.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/html/${name}`, import.meta.url), 'utf8');

/** The tags directly under <html>, and the body's text in one line. */
function shape(document: Document) {
  return {
    root: [...document.documentElement.children].map((element) => element.tagName),
    body: (document.body.textContent ?? '').replace(/\s+/g, ' ').trim(),
  };
}

describe('parseDocument', () => {
  it('leaves a well-formed page as it is', () => {
    const document = parseDocument(fixture('blocks.html'));
    expect(shape(document).root).toEqual(['HEAD', 'BODY']);
    expect(document.body.textContent).toContain('Town hall reopens');
  });

  it('moves a script between </head> and <body>, and text after </body>, into the body', () => {
    const document = parseDocument(fixture('script-before-body.html'));
    expect(shape(document)).toEqual({
      root: ['HEAD', 'BODY'],
      body: 'window.dataLayer = []; Der erste Absatz des Artikels. Ein Absatz nach dem Ende des Körpers.',
    });
    expect(document.title).toBe('Zwischen Kopf und Körper');
  });

  it('finds a body that unclosed conditional comments left inside a <div>', () => {
    const document = parseDocument(fixture('body-in-div.html'));
    expect(shape(document)).toEqual({ root: ['HEAD', 'BODY'], body: 'The first paragraph of the story.' });
  });

  it('puts metadata before the head into the head, and text after </html> into the body', () => {
    const document = parseDocument(fixture('stray-head.html'));
    expect(shape(document)).toEqual({
      root: ['HEAD', 'BODY'],
      body: 'The text of the mirrored page. Text after the closing html tag.',
    });
    expect(document.head.querySelector('meta[name="description"]')?.getAttribute('content')).toBe(
      'A mirrored copy.',
    );
    expect(document.title).toBe('Mirrored page');
  });

  it('wraps a fragment without <html> and <body>', () => {
    expect(shape(parseDocument('<p>Only a paragraph.</p>'))).toEqual({
      root: ['HEAD', 'BODY'],
      body: 'Only a paragraph.',
    });
  });
});
