/**
 * What an HTML page says about its article besides the text: title, outlet, publish time and
 * description, from schema.org JSON-LD, meta tags (Open Graph, Twitter, Dublin Core) and <time>.
 */

import { siteOf } from '../../lib/net.ts';
import { oneLine } from '../../lib/text.ts';

export interface PageMeta {
  title: string | null;
  source: string | null;
  published: string | null;
  description: string | null;
}

const ARTICLE_TYPES = /^(?:\w*Article|BlogPosting|NewsArticle|Report|LiveBlogPosting)$/;

/** Title, outlet, publish time and description from JSON-LD, meta tags and <time>. */
export function readMeta(document: Document): PageMeta {
  const article = jsonLdArticle(document);
  const metaContent = (...names: string[]): string | null => {
    for (const name of names) {
      const value = document
        .querySelector(`meta[property="${name}"], meta[name="${name}"], meta[itemprop="${name}"]`)
        ?.getAttribute('content');
      if (value?.trim()) return value.trim();
    }
    return null;
  };
  const publisher = article?.publisher as { name?: unknown } | undefined;
  const time = document.querySelector('time[datetime]')?.getAttribute('datetime')?.trim() || null;
  return {
    title: stringOrNull(article?.headline) ?? metaContent('og:title', 'twitter:title'),
    source:
      metaContent('og:site_name', 'application-name') ??
      stringOrNull(publisher?.name) ??
      siteOf(metaContent('og:url') ?? document.querySelector('link[rel="canonical"]')?.getAttribute('href')),
    published:
      stringOrNull(article?.datePublished) ??
      metaContent('article:published_time', 'datePublished', 'pubdate', 'publishdate', 'date', 'dc.date') ??
      time,
    description: metaContent('description', 'og:description') ?? stringOrNull(article?.description),
  };
}

/** The first schema.org article object in the page's JSON-LD, searching arrays and @graph. */
function jsonLdArticle(document: Document): Record<string, unknown> | null {
  for (const script of document.querySelectorAll('script[type="application/ld+json"]')) {
    let data: unknown;
    try {
      data = JSON.parse(script.textContent ?? '');
    } catch {
      continue; // Broken JSON-LD is common and says nothing about the article.
    }
    const queue = [data];
    while (queue.length > 0) {
      const item = queue.shift();
      if (Array.isArray(item)) queue.push(...item);
      else if (item && typeof item === 'object') {
        const record = item as Record<string, unknown>;
        const types = ([] as unknown[]).concat(record['@type']);
        if (types.some((type) => typeof type === 'string' && ARTICLE_TYPES.test(type))) return record;
        if (record['@graph']) queue.push(record['@graph']);
      }
    }
  }
  return null;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? oneLine(value) : null;
}
