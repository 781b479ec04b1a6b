/**
 * Bytes to normalised text: the first step of extraction, on the hot path of every file.
 * Detects the encoding (BOM, UTF-16 by its zero bytes, UTF-8, else the charset an HTML page
 * declares in a <meta> tag, else Windows-1252), refuses what is not text, and normalises
 * Unicode (NFC), line endings, odd spaces and control characters so that every later step
 * sees one kind of text.
 */
import { InputError } from '../../lib/errors.ts';

/** Share of control/replacement characters above which decoded text is taken as binary. */
const MAX_CONTROL_SHARE = 0.1;
/** Characters (and bytes) sampled for the binary and UTF-16 checks and the charset declaration. */
const SAMPLE = 8192;
/**
 * Signatures of binary formats whose bytes may all be printable ASCII, so that no byte check
 * refuses them: a PDF written without compressed streams reads as lines like "4 0 obj".
 */
const ASCII_BINARY_SIGNATURES: ReadonlyArray<{ magic: string; format: string }> = [
  { magic: '%PDF-', format: 'a PDF document' },
];

/**
 * Largest share of NUL bytes a file that is not UTF-16 may hold and still be text: scrapers
 * leave a stray NUL in a saved page, while binary formats hold them throughout.
 */
const MAX_NUL_SHARE = 0.001;
/** `<meta charset="...">` or `<meta http-equiv="Content-Type" content="text/html; charset=...">`. */
const META_CHARSET = /<meta\s[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)/i;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Lossy = new TextDecoder('utf-8');
const utf16le = new TextDecoder('utf-16le');
const utf16be = new TextDecoder('utf-16be');

/**
 * Windows-1252 differs from Latin-1 only in 0x80-0x9F. Node 20's TextDecoder decodes the label
 * `windows-1252` as plain Latin-1 (0x93 stays U+0093, not a curly quote), so the difference is
 * mapped here.
 * Undefined bytes (0x81, 0x8D, 0x8F, 0x90, 0x9D) stay C1 controls, as the WHATWG table says.
 */
const WINDOWS_1252 = Uint16Array.from({ length: 256 }, (_, byte) =>
  byte >= 0x80 && byte <= 0x9f
    ? ([
        0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152,
        0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161,
        0x203a, 0x153, 0x9d, 0x17e, 0x178,
      ][byte - 0x80] as number)
    : byte,
);

const LINE_BREAKS = /\r\n?|[\v\f\u0085\u2028\u2029]/g;
/** No-break, typographic and ideographic spaces; become a plain space. */
const ODD_SPACES = /[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g;
/**
 * Invisible characters that only get in the way of matching: C0/C1 controls (but tab and
 * newline), zero-width space, word joiner, stray BOMs and soft hyphens. ZWJ/ZWNJ stay: they
 * carry meaning in emoji and in Indic and Persian scripts.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const INVISIBLES = /[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u200b\u2060\ufeff]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_OR_REPLACEMENT = /[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]/g;
/**
 * Every character that the binary check or the replacements above act on. Most pages hold
 * none, and one scan for them costs a fraction of running the checks and replacements.
 */
const NEEDS_CLEANING =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  /[\x00-\x08\x0b-\x1f\x7f-\xa0\xad\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u2060\u3000\ufeff\ufffd]/;
/** After the replacements above only tab, newline and printable ASCII are ASCII. */
const NOT_ASCII = /[^\t\n -~]/;

/**
 * Decodes a file's bytes to normalised text. Throws `InputError` `INPUT_EMPTY` for empty or
 * whitespace-only input and `INPUT_BINARY` for input that is not text.
 * @param file named in errors.
 */
export function decode(bytes: Uint8Array, file?: string): string {
  if (bytes.byteLength === 0) throw new InputError('INPUT_EMPTY', 'The file is empty (0 bytes).', { file });
  const signature = ASCII_BINARY_SIGNATURES.find(({ magic }) => startsWith(bytes, magic));
  if (signature) throw new InputError('INPUT_BINARY', `The file is binary: ${signature.format}.`, { file });
  const decoded = decodeBytes(bytes, file);
  const text = NEEDS_CLEANING.test(decoded) ? normalise(checkText(decoded, file)) : composed(decoded);
  if (text.trim() === '') {
    throw new InputError('INPUT_EMPTY', 'The file holds only whitespace, no text.', { file });
  }
  return text;
}

function startsWith(bytes: Uint8Array, ascii: string): boolean {
  for (let i = 0; i < ascii.length; i++) if (bytes[i] !== ascii.charCodeAt(i)) return false;
  return true;
}

function decodeBytes(bytes: Uint8Array, file?: string): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return utf8Or1252(bytes);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return utf16le.decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return utf16be.decode(bytes);
  if (bytes.indexOf(0) !== -1) {
    const order = utf16ByteOrder(bytes);
    if (order) return (order === 'le' ? utf16le : utf16be).decode(bytes);
    if (!rareNuls(bytes)) {
      throw new InputError(
        'INPUT_BINARY',
        'The file is binary: it contains NUL bytes and is not UTF-16 text.',
        {
          file,
        },
      );
    }
  }
  return utf8Or1252(bytes);
}

/** At most one NUL byte in every 1 / MAX_NUL_SHARE bytes. */
function rareNuls(bytes: Uint8Array): boolean {
  const allowed = Math.floor(MAX_NUL_SHARE * bytes.byteLength);
  let count = 0;
  for (let at = bytes.indexOf(0); at !== -1; at = bytes.indexOf(0, at + 1)) {
    if (++count > allowed) return false;
  }
  return true;
}

/**
 * UTF-8 when the bytes are valid UTF-8: text in another encoding almost never is. Otherwise
 * the charset a page declares in a <meta> tag, as a browser reads it. Otherwise UTF-8 when
 * the bytes are mostly UTF-8: a UTF-8 file with a few corrupt bytes keeps its text (the bad
 * bytes become U+FFFD) rather than turning into mojibake. Otherwise Windows-1252, the usual
 * legacy encoding of Western pages.
 */
function utf8Or1252(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    const declared = declaredDecoder(bytes);
    if (declared === 'windows-1252') return decodeWindows1252(bytes);
    if (declared) return declared.decode(bytes);
    const lossy = utf8Lossy.decode(bytes);
    let replaced = 0;
    for (let at = lossy.indexOf('\ufffd'); at !== -1; at = lossy.indexOf('\ufffd', at + 1)) replaced++;
    // Each valid multi-byte character shrinks the text by one or more units; each bad byte does not.
    const bytesInMultibyteChars = bytes.byteLength - lossy.length;
    return bytesInMultibyteChars > replaced ? lossy : decodeWindows1252(bytes);
  }
}

/**
 * The decoder for the charset a page's <meta> tag names in its first bytes, or null when it
 * names none, an unknown one, or UTF-8/UTF-16 (which a file that is not valid UTF-8 is not:
 * the caller's UTF-8 fallbacks decide). Windows-1252 and the labels the Encoding Standard
 * reads as it (Latin-1, ASCII) get the local table, see WINDOWS_1252.
 */
function declaredDecoder(bytes: Uint8Array): TextDecoder | 'windows-1252' | null {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, SAMPLE)).toString(
    'latin1',
  );
  const label = META_CHARSET.exec(head)?.[1];
  if (!label) return null;
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label);
  } catch {
    return null; // An unknown label: the page's bytes decide.
  }
  if (decoder.encoding === 'windows-1252') return 'windows-1252';
  return decoder.encoding.startsWith('utf-') ? null : decoder;
}

/** One table lookup per byte into UTF-16 code units, then one native decode. */
function decodeWindows1252(bytes: Uint8Array): string {
  const length = bytes.byteLength;
  const units = new Uint16Array(length);
  for (let i = 0; i < length; i++) units[i] = WINDOWS_1252[bytes[i] as number] as number;
  return Buffer.from(units.buffer).toString('utf16le');
}

/**
 * BOM-less UTF-16 shows as a zero byte in every other position wherever the text is ASCII
 * (markup, digits, spaces, Latin text): at odd offsets for little-endian, even for big-endian.
 */
function utf16ByteOrder(bytes: Uint8Array): 'le' | 'be' | null {
  const end = Math.min(bytes.byteLength, SAMPLE) & ~1;
  if (end < 2) return null;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < end; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const pairs = end / 2;
  if (oddZeros >= 0.3 * pairs && evenZeros <= 0.02 * pairs) return 'le';
  if (evenZeros >= 0.3 * pairs && oddZeros <= 0.02 * pairs) return 'be';
  return null;
}

/** Refuses decoded text whose start is mostly control or undecodable characters. */
function checkText(text: string, file?: string): string {
  const sample = text.length > SAMPLE ? text.slice(0, SAMPLE) : text;
  const junk = sample.match(CONTROL_OR_REPLACEMENT)?.length ?? 0;
  if (junk > MAX_CONTROL_SHARE * sample.length) {
    const share = Math.round((100 * junk) / sample.length);
    throw new InputError(
      'INPUT_BINARY',
      `The file is binary: ${share}% of its first ${sample.length} characters are control or undecodable characters.`,
      { file },
    );
  }
  return text;
}

/** One text form for everything downstream: NFC, `\n` line ends, plain spaces, no invisibles. */
export function normalise(text: string): string {
  return composed(text.replace(LINE_BREAKS, '\n').replace(ODD_SPACES, ' ').replace(INVISIBLES, ''));
}

/** NFC. It only changes non-ASCII text; skipping the call keeps large ASCII files cheap. */
function composed(text: string): string {
  return NOT_ASCII.test(text) ? text.normalize('NFC') : text;
}
