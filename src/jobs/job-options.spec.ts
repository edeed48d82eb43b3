import { describe, expect, it } from 'vitest';
import { fromBullMqJobId, isFinalFailure, resolveJobOptions, retryDelayMs, toBullMqJobId } from './job-options.js';
import { PermanentJobError } from './job-queue.js';

describe('resolveJobOptions', () => {
  it('defaults to 5 attempts, a 1 s backoff and no delay', () => {
    expect(resolveJobOptions()).toEqual({ attempts: 5, backoffMs: 1000, delayMs: 0, jobId: undefined });
  });

  it.each([
    [{ attempts: 0 }, /attempts/],
    [{ attempts: 1.5 }, /attempts/],
    [{ backoffMs: -1 }, /backoffMs/],
    [{ delayMs: Number.NaN }, /delayMs/],
    [{ jobId: '' }, /jobId/],
    [{ jobId: '42' }, /jobId/],
    [{ jobId: 'repeat:tick' }, /jobId/],
  ])('rejects %j', (options, message) => {
    expect(() => resolveJobOptions(options)).toThrow(message);
  });

  it('accepts a job id with colons and digits', () => {
    expect(resolveJobOptions({ jobId: 'export:42' }).jobId).toBe('export:42');
  });
});

describe('retryDelayMs', () => {
  it.each([
    [1, 100],
    [2, 200],
    [3, 400],
    [5, 1600],
  ])('after %i failed attempts waits %i ms with a 100 ms backoff', (attemptsMade, expected) => {
    expect(retryDelayMs(100, attemptsMade)).toBe(expected);
  });
});

describe('isFinalFailure', () => {
  it('is final on the last attempt or for a PermanentJobError, not before', () => {
    expect(isFinalFailure(new Error('x'), 2, 3)).toBe(false);
    expect(isFinalFailure(new Error('x'), 3, 3)).toBe(true);
    expect(isFinalFailure(new PermanentJobError('x'), 1, 3)).toBe(true);
  });
});

describe('BullMQ job ids', () => {
  it.each(['export:42', 'a%3Ab', '100%:done', 'plain'])('round-trip %s without a colon on the BullMQ side', (id) => {
    expect(toBullMqJobId(id)).not.toContain(':');
    expect(fromBullMqJobId(toBullMqJobId(id))).toBe(id);
  });

  it('keep distinct ids distinct', () => {
    expect(toBullMqJobId('a:b')).not.toBe(toBullMqJobId('a%3Ab'));
  });
});
