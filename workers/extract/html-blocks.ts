/**
 * A page's text as paragraph-sized blocks in document order, read from the DOM as parsed,
 * before Readability rewrites it (Readability unwraps a `<div class="caption">` around a
 * single `<p>` and drops embeds, so its output alone no longer says what a block was).
 * Each block keeps its ancestor path and the furniture marks on it (figure, nav, caption
 * classes, hidden elements); whether a mark counts is decided later, relative to the
 * container the article sits in.
 */
import { oneLine } from '../../lib/text.ts';

/** Elements that never hold text a reader sees. */
const INVISIBLE_TAGS = new Set(
  'SCRIPT STYLE NOSCRIPT TEMPLATE SVG IFRAME SELECT TEXTAREA INPUT OPTION HEAD OBJECT EMBED CANVAS'.split(
    ' ',
  ),
);
/** Elements whose text is not article prose when they sit inside the article's container. */
const FURNITURE_TAGS = new Set(
  'FIGURE FIGCAPTION PICTURE BUTTON FORM NAV ASIDE FOOTER CAPTION LABEL DIALOG MENU'.split(' '),
);
/** Elements that start and end a paragraph. */
const BLOCK_TAGS = new Set(
  'P DIV SECTION ARTICLE MAIN HEADER H1 H2 H3 H4 H5 H6 UL OL DL DT DD BLOCKQUOTE PRE TABLE TR HR LI'.split(
    ' ',
  ),
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
const FURNITURE_WORDS = new Set(
  (
    'caption credit credits byline author authors bio share sharing social related tags newsletter promo ' +
    'sponsor sponsored advert ad ads breadcrumb breadcrumbs timestamp dateline meta signup subscribe ' +
    'copyright disclaimer date dates publish published comment comments rating citation notice licence ' +
    'license infobox'
  ).split(' '),
);
/** Word boundaries in class names: separators, and camelCase humps ("imageEmbedCaption"). */
const CLASS_WORD_BREAK = /[^A-Za-z]+|(?<=[a-z])(?=[A-Z])/;

/** Why an ancestor makes its text furniture. */
export type MarkKind = 'tag' | 'class' | 'hidden';

export interface FurnitureMark {
  /** Index of the marked element in the block's `path`. */
  depth: number;
  kind: MarkKind;
  /** Characters of text under the marked element. */
  chars: number;
  /**
   * The element holds a table or several paragraphs: unclosed tags (a caption `<div>` never
   * closed) make a furniture element swallow the text after it, so such a mark is doubted.
   */
  holdsContent: boolean;
}

export interface HtmlBlock {
  /** The block's text; lines broken by `<br>` are separate paragraphs ("\n\n"). */
  text: string;
  /** Characters of `text` inside links. */
  linkChars: number;
  /** Characters of the link the block's text starts with (a teaser's headline), 0 if none. */
  leadLinkChars: number;
  heading: boolean;
  /** A list item or table row. */
  item: boolean;
  /** Inside a `<blockquote>`: quoted text (a tweet, a statement) the article shows. */
  quote: boolean;
  /** Ancestors from the walk's root down to the element holding the text. */
  path: readonly Element[];
  /**
   * The tag and class of the element around the one holding the text ("DIV.article-body"),
   * read before Readability strips the classes of what it keeps: where a text's paragraphs sit.
   */
  box: string;
  marks: readonly FurnitureMark[];
}

export interface PageBlocks {
  blocks: HtmlBlock[];
  /** The block each text node's text went to, to map Readability's output back to blocks. */
  blockOfText: Map<Node, number>;
}

/** Splits the text under `root` into blocks at block elements and furniture boundaries. */
export function collectBlocks(root: Element): PageBlocks {
  const blocks: HtmlBlock[] = [];
  const blockOfText = new Map<Node, number>();
  const path: Element[] = [];
  const marks: FurnitureMark[] = [];
  let pending: Node[] = [];
  let text = '';
  let linkChars = 0;
  let leadLinkChars = 0;
  let leading = true;
  let heading = 0;
  let item = 0;
  let quote = 0;
  let inLink = 0;

  const flush = () => {
    const clean = text
      .split('\n')
      .map(oneLine)
      .filter((line) => line !== '')
      .join('\n\n');
    if (clean !== '') {
      for (const node of pending) blockOfText.set(node, blocks.length);
      blocks.push({
        text: clean,
        linkChars: Math.min(linkChars, clean.length),
        leadLinkChars: Math.min(leadLinkChars, clean.length),
        heading: heading > 0,
        item: item > 0,
        quote: quote > 0,
        path: path.slice(),
        box: boxOf(path),
        marks: marks.slice(),
      });
    }
    pending = [];
    text = '';
    linkChars = 0;
    leadLinkChars = 0;
    leading = true;
  };

  const walk = (element: Element) => {
    for (let node = element.firstChild; node !== null; node = node.nextSibling) {
      if (node.nodeType === 3) {
        const value = (node.nodeValue ?? '').replace(/\n/g, ' ');
        text += value;
        pending.push(node);
        const chars = value.trim().length;
        if (inLink > 0) linkChars += chars;
        if (leading && chars > 0) {
          if (inLink > 0) leadLinkChars += chars;
          else leading = false;
        }
        continue;
      }
      if (node.nodeType !== 1) continue;
      const child = node as Element;
      const tag = child.tagName.toUpperCase();
      if (INVISIBLE_TAGS.has(tag)) continue;
      if (tag === 'BR') {
        text += '\n';
        continue;
      }
      const kind = markKind(child, tag);
      const block = kind !== null || BLOCK_TAGS.has(tag);
      if (block) flush();
      if (CELL_TAGS.has(tag)) text += ' ';
      path.push(child);
      if (kind !== null) marks.push(furnitureMark(child, kind, path.length - 1));
      const isHeading = HEADING_TAGS.has(tag);
      const isItem = ITEM_TAGS.has(tag);
      heading += isHeading ? 1 : 0;
      item += isItem ? 1 : 0;
      quote += tag === 'BLOCKQUOTE' ? 1 : 0;
      inLink += tag === 'A' ? 1 : 0;
      walk(child);
      if (block) flush();
      heading -= isHeading ? 1 : 0;
      item -= isItem ? 1 : 0;
      quote -= tag === 'BLOCKQUOTE' ? 1 : 0;
      inLink -= tag === 'A' ? 1 : 0;
      if (kind !== null) marks.pop();
      path.pop();
    }
  };
  path.push(root);
  walk(root);
  flush();
  return { blocks, blockOfText };
}

function boxOf(path: readonly Element[]): string {
  const box = path[path.length - 2];
  return box ? `${box.tagName}.${box.getAttribute('class') ?? ''}` : '';
}

function markKind(element: Element, tag: string): MarkKind | null {
  if (element.getAttribute('hidden') !== null || element.getAttribute('aria-hidden') === 'true') {
    return 'hidden';
  }
  if (FURNITURE_TAGS.has(tag)) return 'tag';
  const names = `${element.getAttribute('class') ?? ''} ${element.getAttribute('id') ?? ''}`;
  if (names.length === 1) return null;
  return names.split(CLASS_WORD_BREAK).some((word) => FURNITURE_WORDS.has(word.toLowerCase()))
    ? 'class'
    : null;
}

function furnitureMark(element: Element, kind: MarkKind, depth: number): FurnitureMark {
  if (kind !== 'class') return { depth, kind, chars: 0, holdsContent: false };
  return {
    depth,
    kind,
    chars: element.textContent?.length ?? 0,
    holdsContent: element.querySelector('table, p ~ p') !== null,
  };
}
