/**
 * Which reader a file needs. Scrapers save HTML as `.txt` and JSON without an extension, so
 * the content is sniffed. A `.json`/`.jsonl` name is trusted, so that such a file that does
 * not parse is reported as malformed JSON rather than read as prose.
 */
export type InputFormat = 'text' | 'html' | 'json' | 'jsonl';

/** Characters sniffed for markup. */
const SNIFF_CHARS = 2048;
const HTML_START =
  /^(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<\?xml[^>]*>\s*<(?:!doctype\s+)?html)/i;
/** Structural tags: a few of them early in a file mean markup, not prose that mentions a tag. */
const HTML_TAGS =
  /<\/?(?:html|head|body|div|p|article|section|main|meta|title|script|span|a|br|h[1-6]|ul|li)[\s>/]/gi;

export function detectFormat(text: string, fileName: string): InputFormat {
  const extension = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? '';
  const head = text.slice(0, SNIFF_CHARS).trimStart();

  if (extension === 'json') return 'json';
  if (extension === 'jsonl' || extension === 'ndjson') return 'jsonl';
  if (head.startsWith('{') || head.startsWith('[')) {
    const json = sniffJson(text);
    if (json) return json;
  }
  if (HTML_START.test(head) || (head.match(HTML_TAGS)?.length ?? 0) >= 5) return 'html';
  if (extension === 'html' || extension === 'htm' || extension === 'xhtml') return 'html';
  return 'text';
}

/** JSON when the whole text parses, JSON lines when its first line is an object on its own. */
function sniffJson(text: string): InputFormat | null {
  try {
    JSON.parse(text);
    return 'json';
  } catch {
    const firstLine = text.trimStart().split('\n', 1)[0] ?? '';
    try {
      const value: unknown = JSON.parse(firstLine);
      return value !== null && typeof value === 'object' && !Array.isArray(value) ? 'jsonl' : null;
    } catch {
      return null;
    }
  }
}
