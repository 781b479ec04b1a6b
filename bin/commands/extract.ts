/**
 * `sluice extract [--jsonl] [--captured-at ISO] [--explain] FILE...`: run extraction on files,
 * print the articles (or, with --explain, each line of a text dump with its score and signals).
 * Over several files it first learns their chrome (workers/extract/learned-chrome.ts), in memory,
 * and extracts each with what the others taught (SLUICE_LEARN_CHROME=off: each file alone).
 */
import { Command, InvalidArgumentError } from 'commander';
import { ARTICLE_FIELDS, type Article, orderedArticle } from '../../lib/article.ts';
import type { CommandContext } from '../command-context.ts';

interface ExtractCommandOptions {
  jsonl?: boolean;
  explain?: boolean;
  capturedAt?: Date;
}

type FileResult =
  | { file: string; articles: Article[] }
  | { file: string; error: { code: string; message: string } };

export function command(context: CommandContext): Command {
  return new Command('extract')
    .description(
      'Extract the articles of text, HTML or JSON files without queueing them. Prints one result per file: ' +
        `{"file", "articles": [{${ARTICLE_FIELDS.join(', ')}}]} ` +
        'or {"file", "error": {code, message}}, as indented JSON (one JSON line each with --jsonl). ' +
        'Exits 1 when any file failed, after printing every result. Over several files, lines the ' +
        'others repeat (menus, footers) are learned first and left out (SLUICE_LEARN_CHROME=off: not).',
    )
    .exitOverride() // sub-commands added with addCommand do not inherit it; main() turns it into a status
    .argument('<files...>', 'files to read')
    .option('--jsonl', 'one JSON line per file instead of indented JSON')
    .option(
      '--explain',
      'print each line of a text dump with the article that took it (a0 is the first), its score and the signals that kept or dropped it',
    )
    .option(
      '--captured-at <iso>',
      "capture time for relative publish times (default: each file's mtime)",
      parseInstant,
    )
    .action(async (files: string[], options: ExtractCommandOptions) => {
      const { readFile, stat } = await import('node:fs/promises');
      const { asSluiceError, InputError } = await import('../../lib/errors.ts');
      const { createHash } = await import('node:crypto');
      const { extractPage } = await import('../../workers/extract/extract-articles.ts');
      const { ChromeCounts } = await import('../../workers/extract/chrome-counts.ts');

      // Several files teach each other their chrome: counted first, each then read with what the
      // others taught (never its own lines).
      const learned = files.length > 1 && context.config().learnChrome ? new ChromeCounts() : null;
      const now = Date.now();
      const hashOf = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
      if (learned) {
        for (const file of files) {
          try {
            const bytes = await readFile(file);
            const capturedAt = options.capturedAt ?? (await stat(file)).mtime;
            const page = extractPage(bytes, { fileName: file, capturedAt, knownChrome: new Set() });
            learned.count(hashOf(bytes), page.chromeKeys, now);
          } catch {
            // An unreadable or refused file teaches nothing; it is reported when extracted below.
          }
        }
      }
      const knownFor = (bytes: Uint8Array) => learned?.known(now, hashOf(bytes));

      const extractFile = async (file: string): Promise<FileResult> => {
        try {
          const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
            throw new InputError(
              'INPUT_UNREADABLE',
              `Cannot read the file (${error.code ?? error.message}).`,
              { file },
            );
          });
          if (!info.isFile()) throw new InputError('INPUT_NOT_A_FILE', 'Not a regular file.', { file });
          const bytes = await readFile(file);
          const { articles } = extractPage(bytes, {
            fileName: file,
            capturedAt: options.capturedAt ?? info.mtime,
            knownChrome: knownFor(bytes),
          });
          return { file, articles: articles.map(orderedArticle) };
        } catch (error) {
          const { code, message } = asSluiceError(error, file);
          return { file, error: { code, message } };
        }
      };

      if (options.explain) {
        const { explainPage, formatExplainedLine } = await import('../../workers/extract/explain-page.ts');
        for (const file of files) {
          try {
            const bytes = await readFile(file);
            const capturedAt = options.capturedAt ?? (await stat(file)).mtime;
            const { format, lines } = explainPage(bytes, {
              fileName: file,
              capturedAt,
              knownChrome: knownFor(bytes),
            });
            context.out.write(`${file} (${format})\n`);
            if (format !== 'text') context.out.write('  --explain reads text dumps line by line only.\n');
            for (const line of lines) context.out.write(`${formatExplainedLine(line)}\n`);
          } catch (error) {
            const { code, message } = asSluiceError(error, file);
            context.out.write(`${file}: ${code}: ${message}\n`);
            process.exitCode = 1;
          }
        }
        return;
      }
      let failed = 0;
      for (const file of files) {
        const result = await extractFile(file);
        if ('error' in result) failed++;
        context.out.write(`${JSON.stringify(result, null, options.jsonl ? undefined : 2)}\n`);
      }
      if (failed > 0) process.exitCode = 1;
    });
}

function parseInstant(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new InvalidArgumentError('expected an ISO 8601 time, e.g. 2025-07-27T12:00:00Z');
  return date;
}
