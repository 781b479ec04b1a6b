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
  readPath: '/inbox/page.txt',
};

describe('parseJobData', () => {
  it('accepts a payload that matches the contract', () => {
    expect(parseJobData('files', file)).toEqual(file);
  });

  it('refuses a bad payload with an InputError naming the fields, never retried', () => {
    const error = (() => {
      try {
        parseJobData('files', { ...file, fileHash: 'nope', readPath: '' });
      } catch (caught) {
        return caught as InputError;
      }
    })();
    expect(error).toBeInstanceOf(InputError);
    expect(error?.retryable).toBe(false);
    expect(error?.message).toMatch(/^Bad files job payload: fileHash: expected a hex sha256; readPath: /);
  });

  it('refuses the bytes of a file in the payload: a job names where they are', () => {
    expect(parseJobData('files', { ...file, bytes: 'aGVsbG8=' })).not.toHaveProperty('bytes');
  });

  it('gives null instead of throwing when asked to', () => {
    expect(parseJobData('files', {}, { orNull: true })).toBeNull();
  });
});

describe('jobIds', () => {
  it('derives the id from the content hash and run, without the ":" BullMQ forbids', () => {
    expect(jobIds.file(file)).toBe(`${'a'.repeat(64)}-1`);
    expect(jobIds.file(file).includes(':')).toBe(false);
  });
});
