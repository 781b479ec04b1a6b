import { describe, expect, it } from 'vitest';
import { InputError } from '../../../lib/errors.ts';
import { parseJsonRecords } from '../../../workers/extract/json-records.ts';

const capturedAt = new Date('2025-07-27T12:00:00Z');

function parseError(text: string, format: 'json' | 'jsonl'): InputError {
  try {
    parseJsonRecords(text, { capturedAt, format, file: 'in.json' });
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('parseJsonRecords did not throw');
}

describe('parseJsonRecords', () => {
  it('names the line where a JSON document stops parsing, when the parser gives a position', () => {
    expect(parseError('[\n  {"title": "a", "body": "b"},\n  {"title" 1}\n]', 'json').message).toMatch(
      /\(line 3\)/,
    );
  });

  it('names the line of a malformed JSON lines record', () => {
    expect(parseError('{"body": "fine"}\n\n{"body": nope}\n', 'jsonl').message).toMatch(
      /^Line 3 is not valid JSON/,
    );
  });

  it('names the record that has no text, and the fields it looked for', () => {
    const error = parseError('[{"body": "ok"}, {"body": "   "}]', 'json');
    expect(error).toMatchObject({ code: 'INPUT_MALFORMED', file: 'in.json' });
    expect(error.message).toBe(
      'The JSON record 2 has no text (expected one of the fields body, text, content, articleBody).',
    );
  });

  it('takes a text given as a list of paragraphs (issue 16)', () => {
    const [article] = parseJsonRecords('{"title": "T", "body": ["First paragraph.", " ", "Second one."]}', {
      capturedAt,
      format: 'json',
    });
    expect(article?.body).toBe('First paragraph.\n\nSecond one.');
  });

  it('says which field holds something that is not text, instead of that there is none', () => {
    const error = parseError('{"title": "T", "body": [{"p": "x"}, 2]}', 'json');
    expect(error.message).toBe(
      'The JSON record 1 has a "body" that is not text (an array holding an object); expected a string or a list of strings.',
    );
    expect(parseError('{"content": 42}', 'json').message).toBe(
      'The JSON record 1 has a "content" that is not text (a number); expected a string or a list of strings.',
    );
  });

  it('refuses records that are not objects and documents without records', () => {
    expect(parseError('[1, 2]', 'json').message).toBe('The JSON record 1 is not an object.');
    expect(parseError('[]', 'json').message).toBe('The JSON holds no records.');
  });

  it('turns single line breaks into paragraphs when the text has no blank lines', () => {
    const [article] = parseJsonRecords('{"title": " A\\n title ", "text": "One.\\nTwo.\\n\\n"}', {
      capturedAt,
      format: 'json',
    });
    expect(article).toMatchObject({ title: 'A title', body: 'One.\n\nTwo.', source: null, primary: true });
  });
});
