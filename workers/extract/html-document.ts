/**
 * An HTML page as a DOM with one <head> and one <body> where browsers put them. linkedom
 * builds the tree as the tags come and does not apply the HTML parsing rules that move
 * stray markup into place, so real pages come out with a <script> between </head> and
 * <body>, a <body> nested in a <div> or outside <html>, or a second <head>. Its
 * `document.body` is the element right after the first <head> and is made up, empty, when
 * that is not a <body>: Readability and the block reader would then see no text at all.
 */
import { parseHTML } from 'linkedom';

/** Elements that belong in <head> when they stand directly under <html>. */
const HEAD_TAGS = new Set(['META', 'LINK', 'TITLE', 'BASE', 'STYLE']);

/** The page's document with `head` and `body` holding what a browser puts in them. */
export function parseDocument(html: string): Document {
  let { document } = parseHTML(html);
  if (document.documentElement?.tagName !== 'HTML') {
    // A fragment: linkedom builds no <html>/<body> for it.
    document = parseHTML(`<!doctype html><html><body>${html}</body></html>`).document;
  }
  const page = document as unknown as Document;
  if (!wellFormed(page)) repair(page);
  return page;
}

/** <html> holds <head> then <body> and nothing else, and the document nothing but <html>. */
function wellFormed(document: Document): boolean {
  const root = document.documentElement;
  const head = root.firstElementChild;
  const body = head?.nextElementSibling;
  return (
    head?.tagName === 'HEAD' &&
    body?.tagName === 'BODY' &&
    body.nextElementSibling === null &&
    document.firstElementChild === root &&
    root.nextElementSibling === null
  );
}

/**
 * Gathers the page into one <head> and one <body>, in document order: elements around
 * <html>, elements between or after head and body, and the children of every top-level
 * <body> go into the body; further heads and stray metadata go into the first head.
 */
function repair(document: Document): void {
  const root = document.documentElement;
  const head = document.createElement('head');
  const body = document.createElement('body');
  const stray = (node: ChildNode) => node !== root && node.nodeType !== 10; // 10: the doctype
  const before = [...document.childNodes].slice(0, [...document.childNodes].indexOf(root)).filter(stray);
  const after = [...document.childNodes].slice([...document.childNodes].indexOf(root) + 1).filter(stray);
  const gather = (node: ChildNode) => {
    if (node.nodeType !== 1) {
      body.append(node);
      return;
    }
    const tag = (node as Element).tagName;
    if (tag === 'HEAD') head.append(...node.childNodes);
    else if (tag === 'BODY' || tag === 'HTML') [...node.childNodes].forEach(gather);
    else if (HEAD_TAGS.has(tag) && body.firstElementChild === null) head.append(node);
    else body.append(node);
  };
  [...before, ...root.childNodes, ...after].forEach(gather);
  root.replaceChildren(head, body);
}
