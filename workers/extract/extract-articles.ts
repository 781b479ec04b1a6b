/**
 * Bytes of one input file to its articles: what the extract worker calls. A thin dispatcher:
 * decode, pick the reader by format (page text, HTML, JSON), then fill what every reader
 * leaves to it (language, word count) and make sure exactly one article is the primary one.
 */
import type { Article } from '../../lib/article.ts';
import { InputError } from '../../lib/errors.ts';
import { decode } from './decode.ts';
import { detectFormat } from './detect-format.ts';
import { detectLanguage } from './detect-language.ts';
import { extractHtmlArticle } from './html-page.ts';
import { parseJsonRecords } from './json-records.ts';
import type { ChromeKey, KnownChrome } from './learned-chrome.ts';
import { countWords } from './line-shape.ts';
import { readSegments } from './segment-page.ts';

export interface ExtractOptions {
  /** The file's name: its extension is a format hint, and errors name it. */
  fileName: string;
  /** When the page was saved (the file's mtime by default); relative publish times resolve against it. */
  capturedAt: Date;
  /**
   * Short lines learned as chrome from other pages (learned-chrome.ts), text dumps only. Given,
   * even empty, the page's chrome keys come back for learning; absent (the default), learning is off.
   */
  knownChrome?: KnownChrome;
}

/** A file's articles, and what learning counts of it. */
export interface ExtractedPage {
  articles: Article[];
  /** The keys of a text dump's short lines (learned-chrome.ts); [] for HTML and JSON, and without knownChrome. */
  chromeKeys: ChromeKey[];
}

/** Throws `InputError` for input that holds no articles (empty, binary, malformed, no article found). */
export function extractArticles(bytes: Uint8Array, options: ExtractOptions): Article[] {
  return extractPage(bytes, options).articles;
}

/** extractArticles, with the page's chrome keys for learning. */
export function extractPage(bytes: Uint8Array, options: ExtractOptions): ExtractedPage {
  const { fileName: file, capturedAt } = options;
  const text = decode(bytes, file);
  const format = detectFormat(text, file);
  let chromeKeys: ChromeKey[] = [];
  let articles: Article[];
  if (format === 'html') {
    articles = [extractHtmlArticle(text, { capturedAt })].filter((article) => article !== null);
  } else if (format === 'text') {
    ({ articles, chromeKeys } = readSegments(text, { capturedAt, knownChrome: options.knownChrome }));
  } else {
    articles = parseJsonRecords(text, { capturedAt, file, format });
  }
  if (articles.length === 0) {
    throw new InputError(
      'INPUT_NO_ARTICLES',
      `No article found in this ${format === 'html' ? 'HTML' : 'text'} page.`,
      {
        file,
      },
    );
  }
  const primary = Math.max(
    0,
    articles.findIndex((article) => article.primary),
  );
  return {
    articles: articles.map((article, index) => ({
      ...article,
      primary: index === primary,
      language: article.language ?? detectLanguage(article.body),
      // segmentPage sums its paragraphs' words as it builds the body; counting again cost ~10% of
      // the extraction time. The HTML and JSON readers leave the count to this step.
      wordCount: format === 'text' ? article.wordCount : countWords(article.body),
    })),
    chromeKeys,
  };
}
