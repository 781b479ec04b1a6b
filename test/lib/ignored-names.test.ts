import { describe, expect, it } from 'vitest';
import { isIgnoredName } from '../../lib/ignored-names.ts';

describe('isIgnoredName', () => {
  it.each([
    '.hidden.txt',
    '.page.txt.Xy12Ab', // rsync's temporary name
    'page.txt.part',
    'page.html.crdownload',
    'page.txt.tmp',
    'page.txt~',
    '~$report.docx',
    '#page.txt#',
    '.page.txt.swp',
    'PAGE.TXT.PARTIAL',
  ])('ignores %s, which is hidden or still being written', (name) => {
    expect(isIgnoredName(name)).toBe(true);
  });

  it.each([
    'page.txt',
    'daily8-china-russia.txt',
    'feed.jsonl',
    'page.html',
    'partial-results.txt',
    'tmp.txt',
  ])('accepts %s', (name) => {
    expect(isIgnoredName(name)).toBe(false);
  });
});
