/**
 * Readability.js alone, the reference the HTML extraction is compared with (quality and speed):
 * Readability.js 0.6.0 on a linkedom DOM, its `textContent`, as the snippet-bench README measured
 * it, the page decoded by its declared character set as a browser would.
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';

/**
 * How far into a page its declared character set is looked for: past the HTML spec's 1024-byte
 * prescan, since a few pages declare it later and browsers still honour it (with 1024: F1 0.863,
 * not the README's 0.866).
 */
const CHARSET_PRESCAN_BYTES = 4096;

/** The main text Readability.js finds in a page's bytes; '' when it finds none or cannot read it. */
export function readabilityText(bytes: Uint8Array): string {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, CHARSET_PRESCAN_BYTES));
  const charset = /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head)?.[1] ?? 'utf-8';
  let html: string;
  try {
    html = new TextDecoder(charset).decode(bytes);
  } catch {
    html = new TextDecoder().decode(bytes);
  }
  try {
    const { document } = parseHTML(html);
    return new Readability(document as unknown as Document).parse()?.textContent ?? '';
  } catch {
    // Readability throws on documents it cannot read: no text, as for a page it finds nothing in.
    return '';
  }
}
