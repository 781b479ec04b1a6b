import { describe, expect, it } from 'vitest';
import { jobName } from '../../lib/job-names.ts';

describe('jobName', () => {
  it("is the file's name, with the article's index for per-article jobs", () => {
    expect(jobName({ fileName: 'page.txt' })).toBe('page.txt');
    expect(jobName({ fileName: 'page.txt' }, 3)).toBe('page.txt #3');
  });

  it('keeps a board card readable: no control characters, long names shortened', () => {
    expect(jobName({ fileName: 'a\nb\tc.txt' })).toBe('a b c.txt');
    const long = jobName({ fileName: `${'x'.repeat(300)}.txt` });
    expect(long.length).toBeLessThanOrEqual(120);
    expect(long.endsWith('….txt')).toBe(true);
  });
});
