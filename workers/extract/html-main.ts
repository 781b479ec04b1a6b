/**
 * A second opinion on where a page's main text sits, from the blocks alone: the element whose
 * text is most prose and least navigation. Readability scores paragraphs by commas and class
 * names and picks one container; on recipes, product pages, short posts and pages built of
 * lists it can settle on one paragraph, a comment or a promo box, or on nothing. Text density
 * per block (long, sentence-shaped, few links) and link density are the signals jusText and
 * trafilatura build on, and they hold in any language.
 */
import type { HtmlBlock, PageBlocks } from './html-blocks.ts';
import { endsLikeSentence } from './line-shape.ts';

export interface MainTextOptions {
  /** Characters from which a block with few links counts as prose whatever its end. */
  proseChars: number;
  /** Characters from which a block that ends like a sentence counts as prose. */
  sentenceChars: number;
  /** Largest share of link text in a prose block. */
  proseLinkDensity: number;
  /** Share of link text from which a block counts as navigation. */
  navigationLinkDensity: number;
  /** Weight of navigation and furniture characters against prose characters. */
  navigationPenalty: number;
  /** Length of a link opening a block from which the block is a teaser (linked headline, excerpt). */
  teaserLinkChars: number;
}

export const MAIN_TEXT_DEFAULTS: Readonly<MainTextOptions> = Object.freeze({
  /** A paragraph of two or three lines: shorter text without a sentence end is a label. */
  proseChars: 100,
  /** One sentence: "The ferry runs again." is prose, "Read more" is not. */
  sentenceChars: 40,
  /** jusText's bound for good paragraphs is 0.2; articles link more words to sources today. */
  proseLinkDensity: 0.3,
  /** Mostly link text: menus, "related" lists, tag clouds. */
  navigationLinkDensity: 0.5,
  /** Half: a container may hold some navigation (share bar, tags) and still be the article's. */
  navigationPenalty: 0.5,
  /** A headline's length: article paragraphs rarely open with a link this long, teaser lists do. */
  teaserLinkChars: 20,
});

export interface MainText {
  /** The chosen element. */
  element: Element;
  /** Its index in the `path` of the blocks under it. */
  depth: number;
}

/**
 * The element that maximises prose characters minus weighted navigation characters under it,
 * or null when the page has no prose block. Furniture by tag (nav, aside, footer, form...)
 * and hidden elements count as navigation; class marks do not, since content wrappers carry
 * words like "post-meta" or "status-publish" in their class lists.
 */
export function mainText(page: PageBlocks, options: MainTextOptions = MAIN_TEXT_DEFAULTS): MainText | null {
  const score = new Map<Element, number>();
  const depthOf = new Map<Element, number>();
  for (const block of page.blocks) {
    const value = blockValue(block, options);
    if (value === 0) continue;
    block.path.forEach((element, depth) => {
      score.set(element, (score.get(element) ?? 0) + value);
      depthOf.set(element, depth);
    });
  }
  // Elements come outermost first; on a tie the outer one stays, with the neutral text
  // (list items, short lines) that sits beside the prose.
  let best: MainText | null = null;
  let bestScore = 0;
  for (const [element, value] of score) {
    if (value > bestScore) {
      best = { element, depth: depthOf.get(element) as number };
      bestScore = value;
    }
  }
  return best;
}

/**
 * Prose counts its characters; navigation, teasers and furniture count against; the rest is
 * neutral.
 */
function blockValue(block: HtmlBlock, options: MainTextOptions): number {
  const chars = block.text.length;
  const furniture = block.marks.some((mark) => mark.kind !== 'class');
  if (
    furniture ||
    block.linkChars > options.navigationLinkDensity * chars ||
    block.leadLinkChars >= options.teaserLinkChars
  ) {
    return -options.navigationPenalty * chars;
  }
  return isProse(block, options) ? chars : 0;
}

/** A block of running text: long, or a sentence, with few links. */
export function isProse(block: HtmlBlock, options: MainTextOptions = MAIN_TEXT_DEFAULTS): boolean {
  const chars = block.text.length;
  return (
    block.linkChars <= options.proseLinkDensity * chars &&
    (chars >= options.proseChars || (chars >= options.sentenceChars && endsLikeSentence(block.text)))
  );
}
