/**
 * The article of an HTML page: Mozilla Readability finds the content on a linkedom DOM; the
 * page's metadata (JSON-LD, meta tags, <time>) gives title, outlet and publish time.
 * Readability keeps things a reader does not read as the article (captions, credits, author
 * boxes, date lines) and drops some things the article shows (tweets and other embeds, link-
 * rich sentences). So the page's blocks are read from the DOM as parsed (html-blocks.ts),
 * Readability's output marks which of them it chose, and the article is the span from its
 * first to its last chosen block: chosen or not, each block in the span is judged by DOM
 * signals (furniture containers, link density) and by its shape, then cleaned like page text.
 */
import { Readability } from '@mozilla/readability';
import type { Article } from '../../lib/article.ts';
import { oneLine } from '../../lib/text.ts';
import { cleanText } from './clean.ts';
import { collectBlocks, type HtmlBlock, type PageBlocks } from './html-blocks.ts';
import { parseDocument } from './html-document.ts';
import { isProse, type MainText, mainText } from './html-main.ts';
import { readMeta } from './html-meta.ts';
import { normalKey } from './html-text.ts';
import { countWords, endsLikeSentence } from './line-shape.ts';
import { isPictureCredit } from './page-lines.ts';
import { resolvePublished } from './resolve-published.ts';

export interface HtmlPageOptions {
  /** Against which relative publish times resolve. */
  capturedAt: Date;
}

/** Largest share of the article's text an element with a furniture class may hold. */
const FURNITURE_MAX_SHARE = 0.3;
/** Above this share of link text a block is navigation ("related", "read more"), not prose. */
const MAX_LINK_DENSITY = 0.5;
/** The same bound for sentences, which often link a source or an earlier story. */
const MAX_SENTENCE_LINK_DENSITY = 0.8;
/** A block this short without sentence punctuation is a label, credit or date line. */
const LABEL_MAX_WORDS = 10;
/** Longest heading, in words: a longer "heading" is a paragraph set in heading markup. */
const HEADING_MAX_WORDS = 30;
/**
 * Most label lines after the article's last paragraph that are dropped as a widget's; more
 * are the article's own list (results, credits).
 */
const MAX_TRAILING_LABELS = 2;
/** Scores, dates, prices: a short line with a digit is data, not a label. */
const DIGIT = /\d/;
/**
 * Longest run of blocks Readability dropped between two of its own that is read back whole;
 * of a longer run, inside the densest container, only the prose is.
 */
const MAX_RECOVERED_GAP = 4;
/** Shortest heading compared with the page's title (shorter ones are "News", "Video"). */
const MIN_TITLE_CHARS = 10;
/**
 * Least share of Readability's text that furniture marks must leave: below it the marks are
 * the page's own markup for its text (captions of a slideshow, a shop's product <form>), and
 * only hidden elements go.
 */
const MIN_UNMARKED_SHARE = 0.3;
/** Share of a block's text Readability must keep for the block to count as chosen. */
const CHOSEN_MIN_SHARE = 0.5;
/**
 * Readability's article is taken unless it is shorter than this share of the densest
 * container's (html-main.ts), when it lies outside that container: it settled on a caption,
 * a teaser or a comment box instead of the text.
 */
const MIN_READABLE_SHARE = 0.4;
/**
 * The same share when Readability's article lies inside the densest container. Lower, since
 * the container's extra text can be comments; 0.3 cost 0.004 body F1 on article-bench.
 */
const MIN_NESTED_READABLE_SHARE = 0.2;

/** Tuning of how Readability's span of blocks is widened or cut to the article's. */
export interface ArticleSpanOptions {
  /** Most short non-prose lines in a row passed over above the span before the walk stops. */
  maxPassedLines: number;
  /** Share of Readability's text its main box must hold for the boxes after it to be trimmed. */
  minTextBoxShare: number;
  /** Largest share of Readability's text a trailing box may hold and still be a widget. */
  maxWidgetBoxShare: number;
}

export const ARTICLE_SPAN_DEFAULTS: Readonly<ArticleSpanOptions> = Object.freeze({
  /** One unmarked line (a byline, a date) may sit between standfirst and text; more is another block. */
  maxPassedLines: 1,
  /** Half: with less, the text is spread over several boxes and none of them is "the" text's. */
  minTextBoxShare: 0.5,
  /** A fifth: a prompt or a box of a paragraph or two; the text's own later part holds more. */
  maxWidgetBoxShare: 0.2,
});

/** The page's primary article (without `language` and `wordCount`), or null when it has none. */
export function extractHtmlArticle(html: string, options: HtmlPageOptions): Article | null {
  const document = parseDocument(html);
  const meta = readMeta(document);
  const page = collectBlocks(document.body as unknown as Element);
  const main = mainText(page);
  const pageTitle = document.title;
  // Readability rewrites the document it reads; the blocks above were taken before.
  const parsed = new Readability<Element>(document, {
    serializer: (node) => node as Element,
  }).parse();

  const title = meta.title ?? parsed?.title ?? pageTitle;
  const { span, headerChars } = parsed?.content
    ? articleSpan(page, parsed.content, title, main)
    : { span: [], headerChars: 0 };
  const readable = articleBody(page, span, title);
  const dense = main ? articleBody(page, mainSpan(page, main), title) : '';
  // Readability's choice, unless it found nothing or much less than the densest container
  // (its own blocks compared, without the standfirst read back above them):
  // outside that container it settled on a teaser or a comment box, inside it on a fragment
  // (one paragraph of a recipe). Inside, the bar is lower: the container's extra text may
  // also be comments, and Readability's narrower choice is then the better one.
  const elsewhere = main !== null && span.some((block) => block.path[main.depth] !== main.element);
  const share = elsewhere ? MIN_READABLE_SHARE : MIN_NESTED_READABLE_SHARE;
  const body = readable.length - headerChars < share * dense.length ? dense : readable;
  if (body === '') return null;
  const lead = standfirst(body, meta.description);
  const published = meta.published ?? parsed?.publishedTime ?? null;
  return {
    title: oneLine(title),
    lead,
    body,
    source:
      meta.source ?? (parsed?.siteName ? oneLine(parsed.siteName) : null) ?? bylineSource(parsed?.byline),
    published,
    publishedAt: published ? resolvePublished(published, options.capturedAt) : null,
    primary: true,
    language: null,
    wordCount: 0,
  };
}

/**
 * The article's text from a span of blocks: its paragraphs, without lead-ins to nothing and
 * without the lines a picture's label opens or closes ("Abbildung 4: …", "… Foto: Timur"),
 * which a caption outside <figure> markup still is; cleaned.
 */
function articleBody(page: PageBlocks, span: readonly HtmlBlock[], title: string): string {
  const paragraphs = withoutOrphanLeadIns(page, articleParagraphs(span, title));
  // Repeated short lines are dropped as labels ("Show image" under each picture), but in the
  // article a repeated subheading or a line with figures is its structure ("Meal 2", "Bake
  // 20 min" in each section of a plan or recipe).
  const structure = new Set(
    paragraphs
      .filter((block) => isHeading(block) || DIGIT.test(block.text))
      .flatMap((block) => block.text.split('\n\n')),
  );
  const lines = paragraphs.flatMap((block) => block.text.split('\n\n'));
  const text = lines.filter((line) => !isPictureCredit(line, countWords(line))).join('\n\n');
  return cleanText(text, structure);
}

/** The blocks under the densest container, without its furniture and the widgets after its text. */
function mainSpan(page: PageBlocks, main: MainText): HtmlBlock[] {
  const inside = page.blocks.filter((block) => block.path[main.depth] === main.element);
  const chars = inside.reduce((sum, block) => sum + block.text.length, 0);
  const span = inside.filter((block) => !isFurniture(block, main.depth, chars));
  withoutTrailingBoxes(
    span,
    span,
    span.reduce((sum, block) => sum + block.text.length, 0),
  );
  return span;
}

/**
 * The blocks from the first to the last one Readability chose, without furniture: what
 * Readability dropped between them (an embedded tweet, a sentence of links) is recovered.
 */
function articleSpan(
  page: PageBlocks,
  content: Element,
  title: string,
  main: MainText | null,
): { span: HtmlBlock[]; headerChars: number } {
  let chosen = chosenByNode(page, content);
  if (chosen.length === 0) chosen = chosenByText(page, content);
  if (chosen.length === 0) return { span: [], headerChars: 0 };
  chosen = titledArticleOnly(page, chosen, title);
  const chosenBlocks = chosen.map((index) => page.blocks[index] as HtmlBlock);
  const containerDepth = commonDepth(chosenBlocks);
  const articleChars = chosenBlocks.reduce((sum, block) => sum + block.text.length, 0);
  const insideMain = main !== null && chosenBlocks.every((block) => block.path[main.depth] === main.element);
  // Readability settled on a box of the page's furniture (the author box in a <footer>).
  if (main !== null && inFurnitureBox(chosenBlocks[0] as HtmlBlock, containerDepth, main)) {
    return { span: [], headerChars: 0 };
  }
  const span: HtmlBlock[] = [];
  // When the marks would take most of Readability's text, they mark the text itself: a page
  // built of captions (a slideshow) or inside a <form> (a shop's product).
  const furniture = chosenBlocks.map((block) => isFurniture(block, containerDepth, articleChars));
  const unmarkedChars = chosenBlocks.reduce(
    (sum, block, at) => (furniture[at] ? sum : sum + block.text.length),
    0,
  );
  const marksWrong = unmarkedChars < MIN_UNMARKED_SHARE * articleChars;
  const boxes = new Set(chosenBlocks.map((block) => block.box));
  chosen.forEach((index, at) => {
    const block = page.blocks[index] as HtmlBlock;
    const previous = chosen[at - 1];
    // What Readability dropped in a short gap between two of its blocks sat inside the text:
    // a subheading, a list, a quote (an embedded tweet), or a paragraph in a box like the one
    // its own paragraphs sit in. A paragraph in another kind of box is a widget's (a teaser).
    if (previous !== undefined && index - previous - 1 <= MAX_RECOVERED_GAP) {
      for (const gap of page.blocks.slice(previous + 1, index)) {
        if (
          !isFurniture(gap, containerDepth, 0) &&
          gap.linkChars <= MAX_LINK_DENSITY * gap.text.length &&
          (gap.heading || gap.item || gap.quote || boxes.has(gap.box))
        ) {
          span.push(gap);
        }
      }
    } else if (previous !== undefined && insideMain) {
      // A longer gap (an ad slot, a gallery) may still hold the text's own paragraphs.
      for (const gap of page.blocks.slice(previous + 1, index)) {
        if (!isFurniture(gap, containerDepth, 0) && isProse(gap) && !gap.item) span.push(gap);
      }
    }
    const kept = marksWrong ? !block.marks.some((mark) => mark.kind === 'hidden') : !furniture[at];
    if (kept) span.push(block);
  });
  withoutTrailingBoxes(span, chosenBlocks, articleChars);
  if (main === null || !insideMain) return { span, headerChars: 0 };
  const header = proseAbove(page, chosenBlocks, chosen[0] as number, main, title, articleChars);
  const below = sectionsBelow(page, chosen.at(-1) as number, main, boxes, articleChars);
  return {
    span: [...header, ...span, ...below],
    headerChars: header.reduce((sum, block) => sum + block.text.length, 0),
  };
}

/**
 * The prose above Readability's choice that opens the same article: Readability keeps the
 * container it scored best, and a standfirst in the header above it (between headline and
 * text, often in heading or "intro" markup) is left out. From the first chosen block
 * backwards, inside the densest container: prose is taken, furniture (byline, date, figure)
 * and copies of chosen text (a standfirst repeated as the text's abstract) passed over.
 * When the walk reaches the page's headline, all the prose passed is the header's, with the
 * subheadings over it (a date and tag row between standfirst and text does not part them).
 * When it reaches the container's edge instead, only the prose before navigation or a run of
 * short lines is taken. Below the text, the same walk took more promos than paragraphs.
 */
function proseAbove(
  page: PageBlocks,
  chosen: readonly HtmlBlock[],
  first: number,
  main: MainText,
  title: string,
  articleChars: number,
  options: ArticleSpanOptions = ARTICLE_SPAN_DEFAULTS,
): HtmlBlock[] {
  const titleKey = normalKey(title);
  const chosenKeys = new Set(chosen.map((block) => normalKey(block.text)));
  const header: HtmlBlock[] = [];
  const near: HtmlBlock[] = [];
  let walking = true;
  let passed = 0;
  for (let index = first - 1; index >= 0; index--) {
    const block = page.blocks[index] as HtmlBlock;
    if (block.path[main.depth] !== main.element) break;
    if (isHeadline(block, titleKey)) return header;
    if (isFurniture(block, main.depth, articleChars) || chosenKeys.has(normalKey(block.text))) continue;
    // A bulleted summary ("key points") above the text is a digest of it, not its opening.
    const prose = isProse(block) && !block.item && !linkDense(block);
    // A subheading over prose taken is the header's too (a text's first sections).
    if (prose || (isHeading(block) && header.length > 0)) header.unshift(block);
    if (!walking) continue;
    if (prose) {
      near.unshift(block);
      passed = 0;
    } else if (linkDense(block) || ++passed > options.maxPassedLines) walking = false;
  }
  return near;
}

/**
 * A text ends where the box holding most of it ends: prose after the last block in that box,
 * in boxes holding little of the text, is a widget taken along with the container (a
 * newsletter prompt, a "support us" box, a source line), by Readability or the densest
 * container alike. Subheadings, list items and quotes end the trim: they are the text's own
 * more often. In place, from the end.
 */
function withoutTrailingBoxes(
  span: HtmlBlock[],
  chosen: readonly HtmlBlock[],
  articleChars: number,
  options: ArticleSpanOptions = ARTICLE_SPAN_DEFAULTS,
): void {
  const charsByBox = new Map<string, number>();
  for (const block of chosen) charsByBox.set(block.box, (charsByBox.get(block.box) ?? 0) + block.text.length);
  let textBox = '';
  for (const [box, chars] of charsByBox) if (chars > (charsByBox.get(textBox) ?? 0)) textBox = box;
  if ((charsByBox.get(textBox) ?? 0) < options.minTextBoxShare * articleChars) return;
  while (span.length > 1) {
    const block = span[span.length - 1] as HtmlBlock;
    if (block.box === textBox || block.item || block.heading || block.quote) break;
    if ((charsByBox.get(block.box) ?? 0) > options.maxWidgetBoxShare * articleChars) break;
    span.pop();
  }
}

/**
 * The text's next sections below Readability's choice: Readability keeps one container, and
 * a text set in sibling sections (each a subheading and paragraphs in its own box) loses the
 * ones after it. From the last chosen block down, inside the densest container: a section
 * opens with a subheading right above prose in another box built like the chosen text's
 * (`boxes`, by tag and class), and its prose follows. Anything else, or another <article>
 * (the next post of a list), ends the walk; furniture is passed over. Prose with no subheading
 * above it is a widget's as often as the text's, and in the box of the last chosen block
 * itself Readability dropped it on purpose.
 */
function sectionsBelow(
  page: PageBlocks,
  last: number,
  main: MainText,
  boxes: ReadonlySet<string>,
  articleChars: number,
): HtmlBlock[] {
  const lastBox = (page.blocks[last] as HtmlBlock).path.at(-2);
  const postOf = (block: HtmlBlock) => block.path.filter((element) => element.tagName === 'ARTICLE').at(-1);
  const post = postOf(page.blocks[last] as HtmlBlock);
  const sectionProse = (block: HtmlBlock | undefined) =>
    block !== undefined &&
    block.path.at(-2) !== lastBox &&
    boxes.has(block.box) &&
    isProse(block) &&
    !linkDense(block);
  const taken: HtmlBlock[] = [];
  for (let index = last + 1; index < page.blocks.length; index++) {
    const block = page.blocks[index] as HtmlBlock;
    if (block.path[main.depth] !== main.element || postOf(block) !== post) break;
    if (isFurniture(block, main.depth, articleChars)) continue;
    const opens = isHeading(block) && sectionProse(page.blocks[index + 1]);
    if (opens || (taken.length > 0 && sectionProse(block))) taken.push(block);
    else break;
  }
  return taken;
}

/** The page's headline: its <h1>, or a heading that names the page's title. */
function isHeadline(block: HtmlBlock, titleKey: string): boolean {
  return (
    block.heading &&
    (block.path.some((element) => element.tagName === 'H1') || sameTitle(normalKey(block.text), titleKey))
  );
}

/**
 * A list of posts (each an <article>) can win Readability's scoring as a whole. When the
 * chosen text spans several <article> elements and exactly one of them holds a heading
 * with the page's title, that one is the page's article. Live blogs, whose updates are
 * <article>s under a title outside them all, stay whole.
 */
function titledArticleOnly(page: PageBlocks, chosen: number[], title: string): number[] {
  const containerDepth = commonDepth(chosen.map((index) => page.blocks[index] as HtmlBlock));
  const articleOf = (block: HtmlBlock) =>
    block.path.find((element, depth) => depth > containerDepth && element.tagName === 'ARTICLE') ?? null;
  const articles = new Set(chosen.map((index) => articleOf(page.blocks[index] as HtmlBlock)));
  articles.delete(null);
  if (articles.size < 2) return chosen;
  const titleKey = normalKey(title);
  const titled = new Set(
    page.blocks
      .filter((block) => block.heading && sameTitle(normalKey(block.text), titleKey))
      .map(articleOf)
      .filter((element) => element !== null && articles.has(element)),
  );
  if (titled.size !== 1) return chosen;
  const [article] = titled;
  return chosen.filter((index) => articleOf(page.blocks[index] as HtmlBlock) === article);
}

/** A heading names the page's title when one starts the other ("Title — Site Name"). */
function sameTitle(headingKey: string, titleKey: string): boolean {
  return (
    headingKey.length >= MIN_TITLE_CHARS &&
    (titleKey.startsWith(headingKey) || headingKey.startsWith(titleKey))
  );
}

/** The blocks whose text nodes Readability kept (most of each block's text). */
function chosenByNode(page: PageBlocks, content: Element): number[] {
  const chosenChars = new Map<number, number>();
  const visit = (node: Node) => {
    for (let child = node.firstChild; child !== null; child = child.nextSibling) {
      if (child.nodeType === 3) {
        const index = page.blockOfText.get(child);
        if (index !== undefined) {
          chosenChars.set(index, (chosenChars.get(index) ?? 0) + oneLine(child.nodeValue ?? '').length);
        }
      } else if (child.nodeType === 1) visit(child);
    }
  };
  visit(content);
  return [...chosenChars]
    .filter(([index, chars]) => chars >= CHOSEN_MIN_SHARE * (page.blocks[index] as HtmlBlock).text.length)
    .map(([index]) => index)
    .sort((a, b) => a - b);
}

/**
 * The blocks whose text Readability's output holds. Needed when Readability's first pass
 * found too little and it re-parsed the page from its HTML: its nodes are then new ones.
 */
function chosenByText(page: PageBlocks, content: Element): number[] {
  const wanted = new Map<string, number>();
  for (const block of collectBlocks(content).blocks) {
    const key = normalKey(block.text);
    wanted.set(key, (wanted.get(key) ?? 0) + 1);
  }
  const chosen: number[] = [];
  page.blocks.forEach((block, index) => {
    const key = normalKey(block.text);
    const count = wanted.get(key) ?? 0;
    if (count === 0) return;
    wanted.set(key, count - 1);
    chosen.push(index);
  });
  return chosen;
}

/** Depth of the deepest element all blocks sit in: the article's container. */
function commonDepth(blocks: readonly HtmlBlock[]): number {
  const first = (blocks[0] as HtmlBlock).path;
  let depth = first.length - 1;
  for (const block of blocks) {
    let shared = 0;
    while (shared <= depth && shared < block.path.length && block.path[shared] === first[shared]) shared++;
    depth = shared - 1;
  }
  return depth;
}

/**
 * The block's container (at `containerDepth`) sits inside an element that is furniture by its
 * tag or hidden, and the densest container does not: the text lies elsewhere. Class marks and
 * <form> do not count: wrappers of whole articles carry "post-meta" classes, and ASP.NET pages
 * put the whole page in one <form>.
 */
function inFurnitureBox(block: HtmlBlock, containerDepth: number, main: MainText): boolean {
  return block.marks.some((mark) => {
    const element = block.path[mark.depth] as Element;
    return (
      mark.depth <= containerDepth &&
      mark.kind !== 'class' &&
      element.tagName !== 'FORM' &&
      !element.contains(main.element)
    );
  });
}

/**
 * Furniture marks count inside the container only: a page-wide <form> (ASP.NET) or a
 * `meta` class on the wrapper of the whole text says nothing about a paragraph. A class
 * mark is doubted when it holds much of the article or content-shaped markup, and a quote
 * (an embedded tweet in a "social-embed" box) is quoted content whatever its box is called.
 */
function isFurniture(block: HtmlBlock, containerDepth: number, articleChars: number): boolean {
  return block.marks.some((mark) => {
    if (mark.depth <= containerDepth) return false;
    if (mark.kind !== 'class') return true;
    if (articleChars > 0 && (mark.chars > FURNITURE_MAX_SHARE * articleChars || mark.holdsContent)) {
      return false;
    }
    return !(block.quote && block.path.slice(mark.depth).some((element) => element.tagName === 'BLOCKQUOTE'));
  });
}

/** The paragraphs of the article span that a reader reads as the article. */
function articleParagraphs(blocks: readonly HtmlBlock[], title: string): HtmlBlock[] {
  const titleKey = normalKey(title);
  const candidates = blocks.filter((block) => !linkDense(block) && normalKey(block.text) !== titleKey);
  // Before the first real paragraph, short lines are date, byline and label lines; from it
  // on, they are list entries, table rows, subheadings and score lines of the article (the
  // span already ends where Readability's choice ends, before the widgets under the text).
  const isProse = (block: HtmlBlock) =>
    countWords(block.text) > LABEL_MAX_WORDS * 2 && endsLikeSentence(block.text);
  const first = candidates.findIndex(isProse);
  let last = candidates.length - 1;
  while (last >= 0 && !isProse(candidates[last] as HtmlBlock)) last--;
  // After the last real paragraph, one or two label lines are a widget's ("More on this",
  // "Print", a source tag); a longer run of short lines there is the article's list or table.
  const tail = candidates.slice(last + 1);
  const labelTail = last !== -1 && tail.filter(isTrailingLabel).length <= MAX_TRAILING_LABELS;
  const kept = candidates.filter(
    (block, index) =>
      (first !== -1 && index >= first && !(labelTail && index > last && isTrailingLabel(block))) ||
      isHeading(block) ||
      block.item ||
      countWords(block.text) > LABEL_MAX_WORDS ||
      endsLikeSentence(block.text),
  );
  // A subheading belongs to the text under it; one with no prose after it introduced a widget.
  return kept.filter((block, index) => {
    const next = kept[index + 1];
    return !isHeading(block) || (next !== undefined && !isHeading(next));
  });
}

/** A short line without sentence end or digits that is no list item or quote: a label. */
function isTrailingLabel(block: HtmlBlock): boolean {
  return (
    !block.item &&
    !block.quote &&
    !DIGIT.test(block.text) &&
    countWords(block.text) <= LABEL_MAX_WORDS &&
    !endsLikeSentence(block.text)
  );
}

/**
 * A lead-in (a subheading, or a short line ending in a colon: "Read more:", "Contact:")
 * belongs to what follows it. When that is a list of links, or nothing the article keeps,
 * it introduced a widget whose links are gone, and it goes too. From the end backwards, so
 * that a lead-in before a dropped lead-in goes as well.
 */
function withoutOrphanLeadIns(page: PageBlocks, kept: readonly HtmlBlock[]): HtmlBlock[] {
  const order = new Map(page.blocks.map((block, index) => [block, index]));
  const result = new Set(kept);
  let keptAfter = false;
  for (let at = kept.length - 1; at >= 0; at--) {
    const block = kept[at] as HtmlBlock;
    if (isLeadIn(block)) {
      const next = page.blocks[(order.get(block) as number) + 1];
      if (!keptAfter || (next !== undefined && linkDense(next))) {
        result.delete(block);
        continue;
      }
    }
    keptAfter = true;
  }
  return kept.filter((block) => result.has(block));
}

/** A subheading, or a short line that ends in a colon. */
function isLeadIn(block: HtmlBlock): boolean {
  return isHeading(block) || (block.text.endsWith(':') && countWords(block.text) <= LABEL_MAX_WORDS);
}

/** A heading element short enough to be one: sites also set whole paragraphs in <h3>. */
function isHeading(block: HtmlBlock): boolean {
  return block.heading && countWords(block.text) <= HEADING_MAX_WORDS;
}

/**
 * Navigation ("related", "read more") is mostly link text. A sentence may link most of its
 * words to a source and still be prose, so sentences get a higher bound.
 */
function linkDense(block: HtmlBlock): boolean {
  const sentence = countWords(block.text) >= LABEL_MAX_WORDS && endsLikeSentence(block.text);
  return block.linkChars > (sentence ? MAX_SENTENCE_LINK_DENSITY : MAX_LINK_DENSITY) * block.text.length;
}

/**
 * The lead: the first paragraph when the page's description (meta or JSON-LD) is its start.
 * Sites write the standfirst both as the description and as the first paragraph. It stays in
 * the body too, as on text pages: the body is the whole article, the lead a copy of its start.
 */
function standfirst(body: string, description: string | null): string | null {
  if (!description) return null;
  const separator = body.indexOf('\n\n');
  if (separator === -1) return null;
  const first = body.slice(0, separator);
  const key = normalKey(description).slice(0, 80);
  return key.length >= 20 && normalKey(first).startsWith(key) ? first : null;
}

/** The byline ("By Jane Doe, AP") as a last resort: the page names no outlet otherwise. */
function bylineSource(byline: string | null | undefined): string | null {
  return byline ? oneLine(byline.replace(/^by\s+/i, '')) || null : null;
}
