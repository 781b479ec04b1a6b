/**
 * The article of an HTML page: Mozilla Readability finds the content element on a linkedom
 * DOM; the page's metadata (JSON-LD, meta tags, <time>) gives title, outlet and publish time.
 * Readability keeps things a reader of the article does not read as the article: figure
 * captions and photo credits, "related" link lists, author boxes, date and share lines. Its
 * output is therefore walked block by block and filtered by general DOM signals (link
 * density, figure/caption containers, the shape of the text), then cleaned like any page text.
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import type { Article } from '../../lib/article.ts';
import { cleanText } from './clean.ts';
import { countWords, endsLikeSentence } from './line-shape.ts';
import { resolvePublished } from './resolve-published.ts';

export interface HtmlPageOptions {
  /** Against which relative publish times resolve. */
  capturedAt: Date;
}

/** Elements whose text is never article prose. */
const SKIPPED_TAGS = new Set(
  'SCRIPT STYLE NOSCRIPT TEMPLATE FIGURE FIGCAPTION PICTURE SVG IFRAME BUTTON FORM INPUT SELECT TEXTAREA NAV ASIDE'
    .concat(' FOOTER CAPTION')
    .split(' '),
);
/** Elements that start and end a paragraph. */
const BLOCK_TAGS = new Set(
  'P DIV SECTION ARTICLE MAIN HEADER H1 H2 H3 H4 H5 H6 UL OL DL DT DD BLOCKQUOTE PRE TABLE TR HR'.split(' '),
);
/** Blocks that may be short without being labels: list items and table rows are data. */
const ITEM_TAGS = new Set(['LI', 'TR', 'DT', 'DD']);
/** Table cells: a space between them, the row is the block. */
const CELL_TAGS = new Set(['TD', 'TH']);
const HEADING_TAGS = new Set(['H1', 'H2', 'H3', 'H4', 'H5', 'H6']);
/**
 * Class or id words of page furniture kept inside article containers. Readability scores
 * with similar words but only to pick the container; inside it they still mark furniture.
 */
const FURNITURE_CLASS =
  /(?:^|[\s_-])(?:caption|credits?|byline|author|authors|bio|share|sharing|social|related|tags|newsletter|promo|sponsor(?:ed)?|advert|ad|ads|breadcrumbs?|timestamp|dateline|meta|signup|subscribe|copyright|disclaimer)(?:$|[\s_-])/i;

/** Largest share of the content's text an element with a furniture class may hold. */
const FURNITURE_MAX_SHARE = 0.3;
/** Above this share of link text a block is navigation ("related", "read more"), not prose. */
const MAX_LINK_DENSITY = 0.5;
/** A block this short without sentence punctuation is a label, credit or date line. */
const LABEL_MAX_WORDS = 10;

const ARTICLE_TYPES = /^(?:\w*Article|BlogPosting|NewsArticle|Report|LiveBlogPosting)$/;

interface Block {
  text: string;
  linkChars: number;
  heading: boolean;
  /** A list item or table row. */
  item: boolean;
}

interface PageMeta {
  title: string | null;
  source: string | null;
  published: string | null;
  description: string | null;
}

/** The page's primary article (without `language` and `wordCount`), or null when it has none. */
export function extractHtmlArticle(html: string, options: HtmlPageOptions): Article | null {
  const document = parseDocument(html);
  const meta = readMeta(document);
  const parsed = new Readability<Element>(document, {
    keepClasses: true,
    serializer: (node) => node as Element,
  }).parse();
  if (!parsed?.content) return null;

  const paragraphs = articleParagraphs(parsed.content, meta.title ?? parsed.title ?? '');
  const body = cleanText(paragraphs.join('\n\n'));
  if (body === '') return null;
  const [lead, rest] = splitLead(body, meta.description);
  const published = meta.published ?? parsed.publishedTime ?? null;
  return {
    title: oneLine(meta.title ?? parsed.title ?? ''),
    lead,
    body: rest,
    source: meta.source ?? (parsed.siteName ? oneLine(parsed.siteName) : null) ?? bylineSource(parsed.byline),
    published,
    publishedAt: published ? resolvePublished(published, options.capturedAt) : null,
    primary: true,
    language: null,
    wordCount: 0,
  };
}

/** linkedom builds no <html>/<body> for fragments; Readability needs both. */
function parseDocument(html: string): Document {
  const { document } = parseHTML(html);
  if (document.documentElement?.tagName === 'HTML' && document.body) return document as unknown as Document;
  return parseHTML(`<!doctype html><html><body>${html}</body></html>`).document as unknown as Document;
}

/** The paragraphs of Readability's content element that a reader reads as the article. */
function articleParagraphs(content: Element, title: string): string[] {
  const blocks = collectBlocks(content);
  const titleKey = normalKey(title);
  const candidates = blocks.filter(
    (block) => block.linkChars <= MAX_LINK_DENSITY * block.text.length && normalKey(block.text) !== titleKey,
  );
  // Between the first and the last real paragraph, short lines are list entries, table rows
  // and subheadings of the article; before and after, they are date, byline and label lines.
  const isProse = (block: Block) =>
    countWords(block.text) > LABEL_MAX_WORDS * 2 && endsLikeSentence(block.text);
  const first = candidates.findIndex(isProse);
  let last = candidates.length - 1;
  while (last >= 0 && !isProse(candidates[last] as Block)) last--;
  const kept = candidates.filter((block, index) => {
    if (first !== -1 && index >= first && index <= last) return true;
    return (
      block.heading || block.item || countWords(block.text) > LABEL_MAX_WORDS || endsLikeSentence(block.text)
    );
  });
  // A subheading belongs to the text under it; one with no prose after it introduced a widget.
  return kept
    .filter((block, index) => !block.heading || kept[index + 1]?.heading === false)
    .map((b) => b.text);
}

/** Paragraph-sized runs of text, split at block elements, skipping furniture subtrees. */
function collectBlocks(root: Element): Block[] {
  const blocks: Block[] = [];
  let text = '';
  let linkChars = 0;
  let heading = false;
  let item = false;
  const flush = () => {
    // Lines broken by <br> stay one block (a list or address in one <p>), each its own paragraph.
    const clean = text
      .split('\n')
      .map(oneLine)
      .filter((line) => line !== '')
      .join('\n\n');
    if (clean !== '')
      blocks.push({ text: clean, linkChars: Math.min(linkChars, clean.length), heading, item });
    text = '';
    linkChars = 0;
    heading = false;
    item = false;
  };
  // Furniture classes also appear on wrappers of the whole text (WordPress `entry-meta`
  // around everything); only a part of the content can be furniture.
  const maxFurnitureChars = FURNITURE_MAX_SHARE * (root.textContent?.length ?? 0);
  const walk = (node: Node, inLink: boolean) => {
    if (node.nodeType === 3) {
      const value = (node.nodeValue ?? '').replace(/\n/g, ' ');
      text += value;
      if (inLink) linkChars += value.trim().length;
      return;
    }
    if (node.nodeType !== 1) return;
    const element = node as Element;
    const tag = element.tagName.toUpperCase();
    if (SKIPPED_TAGS.has(tag) || isFurniture(element, maxFurnitureChars)) return;
    const block = BLOCK_TAGS.has(tag) || ITEM_TAGS.has(tag);
    if (block) flush();
    if (CELL_TAGS.has(tag)) text += ' ';
    if (tag === 'BR') text += '\n';
    if (HEADING_TAGS.has(tag)) heading = true;
    if (ITEM_TAGS.has(tag)) item = true;
    const link = inLink || tag === 'A';
    for (const child of element.childNodes) walk(child, link);
    if (block) flush();
  };
  walk(root, false);
  flush();
  return blocks;
}

function isFurniture(element: Element, maxChars: number): boolean {
  const names = `${element.getAttribute('class') ?? ''} ${element.getAttribute('id') ?? ''}`;
  // Unclosed tags (a caption <div> never closed) make furniture swallow the text after it:
  // an element holding a table or several paragraphs is content whatever its class says.
  if (
    names.length > 1 &&
    FURNITURE_CLASS.test(names) &&
    (element.textContent?.length ?? 0) <= maxChars &&
    !element.querySelector('table, p ~ p')
  ) {
    return true;
  }
  return element.getAttribute('hidden') !== null || element.getAttribute('aria-hidden') === 'true';
}

/**
 * The lead: the first paragraph when the page's description (meta or JSON-LD) is its start.
 * Sites write the standfirst both as the description and as the first paragraph.
 */
function splitLead(body: string, description: string | null): [string | null, string] {
  if (!description) return [null, body];
  const separator = body.indexOf('\n\n');
  if (separator === -1) return [null, body];
  const first = body.slice(0, separator);
  const key = normalKey(description).slice(0, 80);
  if (key.length < 20 || !normalKey(first).startsWith(key)) return [null, body];
  return [first, body.slice(separator + 2)];
}

/** Title, outlet, publish time and description from JSON-LD, meta tags and <time>. */
function readMeta(document: Document): PageMeta {
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
      hostName(
        metaContent('og:url') ?? document.querySelector('link[rel="canonical"]')?.getAttribute('href'),
      ),
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

/** The byline ("By Jane Doe, AP") as a last resort: the page names no outlet otherwise. */
function bylineSource(byline: string | null | undefined): string | null {
  return byline ? oneLine(byline.replace(/^by\s+/i, '')) || null : null;
}

function hostName(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname.replace(/^www\./, '') || null;
  } catch {
    return null;
  }
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? oneLine(value) : null;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Text reduced to lowercase letters and digits, for comparing a title or lead with a block. */
function normalKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
