import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../lib/errors.ts';
import { decode, normalise } from '../../../workers/extract/decode.ts';

const formats = new URL('../../fixtures/formats/', import.meta.url);
const encoded = readdirSync(formats).filter((name) => readdirSync(formats).includes(`${name}.decoded.txt`));

function decodeError(bytes: Uint8Array): InputError {
  try {
    decode(bytes, 'page.txt');
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('decode did not throw');
}

describe('decode', () => {
  it.each(encoded)('decodes %s to the text of its .decoded.txt golden', (name) => {
    const bytes = readFileSync(new URL(name, formats));
    expect(decode(bytes, name)).toBe(readFileSync(new URL(`${name}.decoded.txt`, formats), 'utf8'));
  });

  it('keeps a UTF-8 file with a few corrupt bytes as UTF-8 instead of reading it as Windows-1252', () => {
    const bytes = Buffer.concat([
      Buffer.from('Ação “rápida” já. '),
      Buffer.from([0xff]),
      Buffer.from(' Fim.'),
    ]);
    expect(decode(bytes)).toBe('Ação “rápida” já. \ufffd Fim.');
  });

  it('maps the Windows-1252 range 0x80-0x9F to its characters, not to C1 controls', () => {
    expect(decode(Uint8Array.from([0x80, 0x20, 0x85, 0x20, 0x99, 0x20, 0x9c]))).toBe('€ … ™ œ');
  });

  it('normalises line endings, odd spaces and invisible characters', () => {
    expect(normalise('a\r\nb\rc\u2028d\u00a0e\u3000f\u200bg\u00adh\u0007i\tj')).toBe('a\nb\nc\nd e fghi\tj');
  });

  it('composes decomposed accents (NFC)', () => {
    expect(normalise('Cafe\u0301')).toBe('Café');
  });

  it('composes a page that has nothing else to clean, and cleans one whose only odd character is far in', () => {
    expect(decode(Buffer.from('Cafe\u0301 au lait.'))).toBe('Café au lait.');
    const long = 'Plain words. '.repeat(2000);
    expect(decode(Buffer.from(`${long}a\u00a0b\r\nc\u200bd`))).toBe(`${long}a b\ncd`);
  });

  it('refuses empty and whitespace-only input as INPUT_EMPTY', () => {
    expect(decodeError(new Uint8Array()).code).toBe('INPUT_EMPTY');
    expect(decodeError(Buffer.from(' \n\t\u00a0\r\n')).code).toBe('INPUT_EMPTY');
  });

  it('refuses NUL bytes that are not UTF-16 as INPUT_BINARY, naming the reason and the file', () => {
    const error = decodeError(Buffer.from('plain text\0 with a NUL byte in it'));
    expect(error).toMatchObject({ code: 'INPUT_BINARY', file: 'page.txt', retryable: false });
    expect(error.message).toMatch(/NUL bytes/);
  });

  it('refuses text made mostly of control characters as INPUT_BINARY', () => {
    expect(decodeError(Uint8Array.from({ length: 200 }, (_, i) => 1 + (i % 20))).message).toMatch(/control/);
  });

  it('refuses a PDF written in ASCII only as INPUT_BINARY, not as text (issue 13, item 7)', () => {
    const pdf = readFileSync(new URL('../../fixtures/bad/ascii-only.pdf', import.meta.url));
    expect(pdf.every((byte) => byte === 0x0a || (byte >= 0x20 && byte < 0x7f))).toBe(true);
    expect(decodeError(pdf)).toMatchObject({ code: 'INPUT_BINARY', file: 'page.txt', retryable: false });
    expect(decodeError(pdf).message).toMatch(/PDF/);
  });

  it('reads text that only mentions %PDF- as text', () => {
    expect(decode(Buffer.from('How to open a file that starts with %PDF-1.7 in a browser.'))).toMatch(/^How/);
  });

  it('decodes a one-line 10 MB file', () => {
    const line = 'word '.repeat(2_000_000);
    expect(decode(Buffer.from(line))).toBe(line);
  });

  it('never throws anything but InputError, on any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        try {
          decode(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
        }
      }),
    );
  });

  it('returns text that normalising again leaves unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 500 }), (text) => {
        const once = normalise(text);
        expect(normalise(once)).toBe(once);
      }),
    );
  });
});
