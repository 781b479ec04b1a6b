/**
 * Articles from JSON: one record, an array of records, or JSON lines, each an object with a
 * title, a text (`body`, `text`, `content` or `articleBody`: a string, or a list of paragraph
 * strings), and optionally `url`,
 * `published` (or `date`, `datePublished`, `publishedAt`), `source` and `lead`.
 * A file is taken whole or refused: a malformed line or a record without text fails it with
 * an error naming the line or record, since a half-read file would silently lose articles.
 */
import type { Article } from '../../lib/article.ts';
import { InputError } from '../../lib/errors.ts';
import { oneLine } from '../../lib/text.ts';
import { resolvePublished } from './resolve-published.ts';

export interface JsonRecordsOptions {
  /** Against which relative publish times ("2 hours ago") resolve. */
  capturedAt: Date;
  /** Named in errors. */
  file?: string;
  /** `jsonl`: one record per line; `json`: one document. */
  format: 'json' | 'jsonl';
}

type JsonRecord = Record<string, unknown>;

const TEXT_FIELDS = ['body', 'text', 'content', 'articleBody'];
const PUBLISHED_FIELDS = ['published', 'date', 'datePublished', 'publishedAt', 'published_at'];
const LEAD_FIELDS = ['lead', 'description', 'summary', 'standfirst'];

/** Articles without `language` and `wordCount` (the dispatcher fills those); the first is primary. */
export function parseJsonRecords(text: string, options: JsonRecordsOptions): Article[] {
  const records =
    options.format === 'jsonl' ? parseLines(text, options.file) : parseDocument(text, options.file);
  if (records.length === 0)
    throw new InputError('INPUT_MALFORMED', 'The JSON holds no records.', { file: options.file });
  return records.map(({ record, where }, index) => toArticle(record, where, index === 0, options));
}

interface Located {
  record: unknown;
  /** "line 3" or "record 2", for error messages. */
  where: string;
}

function parseDocument(text: string, file?: string): Located[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError('INPUT_MALFORMED', `The JSON does not parse: ${describeParseError(error, text)}.`, {
      file,
      cause: error,
    });
  }
  const records = Array.isArray(value) ? value : [value];
  return records.map((record, index) => ({ record, where: `record ${index + 1}` }));
}

function parseLines(text: string, file?: string): Located[] {
  const located: Located[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]?.trim() ?? '';
    if (line === '') continue;
    try {
      located.push({ record: JSON.parse(line), where: `line ${index + 1}` });
    } catch (error) {
      throw new InputError(
        'INPUT_MALFORMED',
        `Line ${index + 1} is not valid JSON: ${(error as Error).message}.`,
        {
          file,
          cause: error,
        },
      );
    }
  }
  return located;
}

/** V8 reports a character position; people look for a line. */
function describeParseError(error: unknown, text: string): string {
  const message = (error as Error).message;
  const position = /position (\d+)/.exec(message)?.[1];
  if (position === undefined) return message;
  const line = text.slice(0, Number(position)).split('\n').length;
  return `${message} (line ${line})`;
}

function toArticle(record: unknown, where: string, primary: boolean, options: JsonRecordsOptions): Article {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    throw new InputError('INPUT_MALFORMED', `The JSON ${where} is not an object.`, { file: options.file });
  }
  const fields = record as JsonRecord;
  const body = paragraphs(firstText(fields, where, options.file) ?? '');
  if (body === '') {
    throw new InputError(
      'INPUT_MALFORMED',
      `The JSON ${where} has no text (expected one of the fields ${TEXT_FIELDS.join(', ')}).`,
      { file: options.file },
    );
  }
  const published = firstString(fields, PUBLISHED_FIELDS);
  const lead = firstString(fields, LEAD_FIELDS);
  return {
    title: oneLine(firstString(fields, ['title', 'headline']) ?? ''),
    lead: lead ? oneLine(lead) : null,
    body,
    source: sourceOf(fields),
    published: published ?? null,
    publishedAt: published ? resolvePublished(published, options.capturedAt) : null,
    primary,
    language: null,
    wordCount: 0,
  };
}

/**
 * The first text field: a string, or a list of strings (paragraphs, as some scrapers write
 * them). A text field holding anything else is named in the error, rather than reported missing.
 */
function firstText(fields: JsonRecord, where: string, file?: string): string | null {
  for (const name of TEXT_FIELDS) {
    const value = fields[name];
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') {
      if (value.trim() !== '') return value.trim();
      continue;
    }
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
      const text = value
        .map((item) => item.trim())
        .filter((item) => item !== '')
        .join('\n\n');
      if (text !== '') return text;
      continue;
    }
    throw new InputError(
      'INPUT_MALFORMED',
      `The JSON ${where} has a "${name}" that is not text (${kindOf(value)}); expected a string or a list of strings.`,
      { file },
    );
  }
  return null;
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) {
    const other = value.find((item) => typeof item !== 'string');
    return `an array holding ${kindOf(other)}`;
  }
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function firstString(fields: JsonRecord, names: string[]): string | null {
  for (const name of names) {
    const value = fields[name];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return null;
}

/** The outlet: a `source`/`publisher` field (string or `{ name }`), else the URL's host name. */
function sourceOf(fields: JsonRecord): string | null {
  for (const name of ['source', 'publisher', 'site', 'siteName']) {
    const value = fields[name];
    if (typeof value === 'string' && value.trim() !== '') return oneLine(value);
    const nested = (value as JsonRecord | null)?.name;
    if (typeof nested === 'string' && nested.trim() !== '') return oneLine(nested);
  }
  if (typeof fields.url !== 'string') return null;
  try {
    return new URL(fields.url).hostname.replace(/^www\./, '') || null;
  } catch {
    return null;
  }
}

/** Paragraphs one blank line apart: blank lines split them, or single line breaks when there are none. */
function paragraphs(text: string): string {
  const separator = /\n[ \t]*\n/.test(text) ? /\n[ \t]*\n\s*/ : /\n/;
  return text
    .split(separator)
    .map(oneLine)
    .filter((paragraph) => paragraph !== '')
    .join('\n\n');
}
