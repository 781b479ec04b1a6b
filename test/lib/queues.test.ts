import { describe, expect, it } from 'vitest';
import { InputError } from '../../lib/errors.ts';
import { jobIds, parseJobData } from '../../lib/queues.ts';

const file = {
  fileName: 'page.txt',
  fileHash: 'a'.repeat(64),
  run: 1,
  inboxPath: '/inbox/page.txt',
  origin: 'watch' as const,
  capturedAt: '2025-07-26T08:00:00.000Z',
};

describe('parseJobData', () => {
  it('accepts a payload that matches the contract', () => {
    expect(parseJobData('finalize', { file, articles: 4 })).toEqual({ file, articles: 4 });
  });

  it('refuses a bad payload with an InputError naming the fields, never retried', () => {
    const error = (() => {
      try {
        parseJobData('finalize', { file: { ...file, fileHash: 'nope' }, articles: 0 });
      } catch (caught) {
        return caught as InputError;
      }
    })();
    expect(error).toBeInstanceOf(InputError);
    expect(error?.retryable).toBe(false);
    expect(error?.message).toMatch(
      /^Bad finalize job payload: file\.fileHash: expected a hex sha256; articles: /,
    );
  });

  it('gives null instead of throwing when asked to', () => {
    expect(parseJobData('extract', {}, { orNull: true })).toBeNull();
  });
});

describe('jobIds', () => {
  it('derives every id from the content hash and run, without the ":" BullMQ forbids', () => {
    const ids = [jobIds.extract(file), jobIds.finalize(file), jobIds.index(file, 2), jobIds.dedupe(file, 2)];
    expect(ids).toEqual([
      `${'a'.repeat(64)}-1`,
      `${'a'.repeat(64)}-1`,
      `${'a'.repeat(64)}-1-2`,
      `${'a'.repeat(64)}-1-2`,
    ]);
    expect(ids.every((id) => !id.includes(':'))).toBe(true);
  });
});
