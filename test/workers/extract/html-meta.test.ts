import { readFileSync } from 'node:fs';
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { readMeta } from '../../../workers/extract/html-meta.ts';

const metaOf = (source: string) => readMeta(parseHTML(source).document as unknown as Document);
const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/html/${name}`, import.meta.url), 'utf8');

describe('readMeta', () => {
  it('prefers the JSON-LD article (found in @graph, past broken JSON-LD) for title and publish time', () => {
    expect(metaOf(fixture('meta-json-ld.html'))).toEqual({
      title: 'Flood warning lifted',
      source: 'River Times',
      published: '2025-02-03T10:00:00Z',
      description: 'Meta description wins over JSON-LD.',
    });
  });

  it('falls back to meta tags, the canonical host and <time> without JSON-LD', () => {
    expect(metaOf(fixture('meta-tags.html'))).toEqual({
      title: 'Market day returns',
      source: 'valley-post.example',
      published: '2025-05-06T07:00:00+02:00',
      description: 'Stalls are back on the square.',
    });
  });

  it('reads a JSON-LD article given in a top-level array, and its publisher as the outlet', () => {
    const meta = metaOf(
      `<html><head><script type="application/ld+json">[{"@type":"BreadcrumbList"},{"@type":"BlogPosting","headline":"Garden notes","publisher":{"name":"Green Pages"}}]</script></head><body></body></html>`,
    );
    expect(meta).toMatchObject({ title: 'Garden notes', source: 'Green Pages' });
  });

  it('says null for what the page does not give', () => {
    expect(metaOf('<html><head><title>Only a title</title></head><body><p>Text.</p></body></html>')).toEqual({
      title: null,
      source: null,
      published: null,
      description: null,
    });
  });
});
