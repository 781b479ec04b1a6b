/**
 * The end-to-end benchmark corpus: thousands of page files made from the 136 shared pages, varied
 * so that deduplication does not turn the run into a string of merges.
 *
 * Variant 0 of a page is the page itself. Later variants rewrite it with a word cipher: about
 * 40 % of the distinct words (chosen by a hash of the cipher key and the word) are replaced,
 * everywhere the key applies, by another word of the vocabulary, keeping the case shape. The key
 * is the variant number and the page's number modulo 3. Because the cipher depends on the word
 * and not on where it stands:
 * - texts under two keys share under 15 % of their 4-word shingles (0.6^4), so their articles
 *   are distinct to the near-duplicate index;
 * - under one key, an article that recurs on several pages (the aggregator pages reuse the
 *   article-bench bodies, full, truncated or flattened) is rewritten identically, so it stays a
 *   duplicate, as in real traffic; the modulo keeps a third of those repeats (the shared pages
 *   alone are 57 % repeats, which would make the run mostly merges);
 * - lines keep their length, punctuation and capitals, so cleaning and segmenting do the same work.
 * Short lines (under 6 words: times like "2 hours ago", outlets, separators) are left as they are,
 * so the time and outlet headers that split aggregator pages still read.
 */

/** A page to vary: its file name and text. */
export interface SourcePage {
  name: string;
  text: string;
}

/** One file of the corpus. */
export interface CorpusFile {
  /** `<variant>-<source name>`, unique in the corpus. */
  name: string;
  text: string;
}

/** Share of the distinct words a variant replaces, in percent. */
const REPLACED_PERCENT = 40;
/** Lines with fewer words are kept as they are. */
const MIN_WORDS_TO_VARY = 6;

/** Pages whose numbers are equal modulo this share a cipher within a variant. */
const CIPHER_GROUPS = 3;

/** A page's text rewritten under `key` (an empty key: the text unchanged). */
export function varyPage(text: string, key: string, vocabulary: readonly string[]): string {
  if (key === '' || vocabulary.length === 0) return text;
  return text
    .split('\n')
    .map((line) => (wordCount(line) < MIN_WORDS_TO_VARY ? line : cipherLine(line, key, vocabulary)))
    .join('\n');
}

/**
 * `count` files: variant 0 of every page, then variant 1 of every page, and so on, so any prefix
 * of the corpus draws on all pages evenly.
 */
export function buildCorpus(
  pages: readonly SourcePage[],
  count: number,
  vocabulary: readonly string[],
): CorpusFile[] {
  const files: CorpusFile[] = [];
  for (let n = 0; n < count && pages.length > 0; n++) files.push(corpusFile(pages, n, vocabulary));
  return files;
}

/** File `n` of the corpus alone (what `buildCorpus` puts at index `n`), for runs too long to hold. */
export function corpusFile(
  pages: readonly SourcePage[],
  n: number,
  vocabulary: readonly string[],
): CorpusFile {
  const variant = Math.floor(n / pages.length);
  const page = pages[n % pages.length] as SourcePage;
  const key = variant === 0 ? '' : `${variant}:${(n % pages.length) % CIPHER_GROUPS}`;
  return {
    name: `${String(variant).padStart(3, '0')}-${page.name}`,
    text: varyPage(page.text, key, vocabulary),
  };
}

/** The distinct lower-case words (letters only, 3 or more) of some texts, in first-seen order. */
export function vocabularyOf(texts: readonly string[]): string[] {
  const words = new Set<string>();
  for (const text of texts) for (const [word] of text.matchAll(/\p{L}{3,}/gu)) words.add(word.toLowerCase());
  return [...words];
}

function wordCount(line: string): number {
  return line.split(/\s+/).filter((word) => word.length > 0).length;
}

function cipherLine(line: string, key: string, vocabulary: readonly string[]): string {
  return line.replace(/\p{L}+/gu, (word) => {
    const hash = fnv1a(`${key}:${word.toLowerCase()}`);
    if (hash % 100 >= REPLACED_PERCENT) return word;
    return withCaseOf(word, vocabulary[(hash >>> 8) % vocabulary.length] as string);
  });
}

function withCaseOf(model: string, word: string): string {
  if (model.length > 1 && model === model.toUpperCase() && model !== model.toLowerCase())
    return word.toUpperCase();
  const first = model.charAt(0);
  if (first !== first.toLowerCase()) return word.charAt(0).toUpperCase() + word.slice(1);
  return word;
}

/** FNV-1a, 32 bits: a fast, well-spread hash for picking words; not for security. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
