import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { InputError, ServiceError } from '../../lib/errors.ts';
import { failureFromReason, isFinalFailure, queueOfJobKey, toJobError } from '../../lib/job-errors.ts';

describe('toJobError', () => {
  it('makes bad input unrecoverable, prefixed with its code', () => {
    const error = toJobError(new InputError('INPUT_BINARY', 'page.bin is binary'));
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect(error.message).toBe('INPUT_BINARY: page.bin is binary');
  });

  it('leaves transient errors retryable, lost connections included', () => {
    const transient = toJobError(new ServiceError('ELASTICSEARCH_UNAVAILABLE', 'no answer'));
    expect(transient).not.toBeInstanceOf(UnrecoverableError);
    expect(transient.message).toBe('ELASTICSEARCH_UNAVAILABLE: no answer');
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
    expect(toJobError(refused)).not.toBeInstanceOf(UnrecoverableError);
    expect(toJobError(new Error('Connection is closed.')).message).toBe(
      'CONNECTION_LOST: Connection is closed.',
    );
  });

  it('fails a bug (an unknown error) at once, as INTERNAL, keeping it with its stack as the cause', () => {
    const bug = new TypeError('x is undefined');
    const error = toJobError(bug);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect(error.message).toBe('INTERNAL: x is undefined');
    expect(error.cause).toBe(bug);
    expect(toJobError(new RangeError('Maximum call stack size exceeded'))).toBeInstanceOf(UnrecoverableError);
  });
});

describe('isFinalFailure', () => {
  it('is true for unrecoverable errors and on the last attempt only', () => {
    const retryable = new Error('E: later');
    expect(isFinalFailure({ attemptsMade: 0, opts: { attempts: 5 } }, retryable)).toBe(false);
    expect(isFinalFailure({ attemptsMade: 4, opts: { attempts: 5 } }, retryable)).toBe(true);
    expect(isFinalFailure({ attemptsMade: 0, opts: { attempts: 5 } }, new UnrecoverableError('X: bad'))).toBe(
      true,
    );
  });
});

describe('failureFromReason', () => {
  it('reads the code back from a failure reason, keeping multi-line messages', () => {
    expect(failureFromReason('ELASTICSEARCH_REJECTED: doc 1:\nmapper', 'index')).toEqual({
      code: 'ELASTICSEARCH_REJECTED',
      message: 'doc 1:\nmapper',
      stage: 'index',
    });
    expect(failureFromReason('job stalled more than allowable limit', 'dedupe')).toEqual({
      code: 'INTERNAL',
      message: 'job stalled more than allowable limit',
      stage: 'dedupe',
    });
  });

  it('names the queue of a child job key', () => {
    expect(queueOfJobKey('{sluice}:index:abc-1-0')).toBe('index');
  });
});
