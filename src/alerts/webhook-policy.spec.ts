import { describe, expect, it } from 'vitest';
import { afterAttempt, retryDelay, WEBHOOK_MAX_ATTEMPTS } from './webhook-policy.js';

describe('retryDelay', () => {
  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [8, 128_000],
    [9, 256_000],
    [10, 300_000],
    [40, 300_000],
  ])('waits after failed attempt %i for %i ms', (attempt, ms) => {
    expect(retryDelay(attempt)).toBe(ms);
  });
});

describe('afterAttempt', () => {
  const now = 1_000_000;

  it('marks a successful attempt delivered', () => {
    expect(afterAttempt(2, null, now)).toEqual({ status: 'delivered', attempts: 3, nextAttemptAt: now, error: null });
  });

  it('schedules a failed attempt again after the backoff', () => {
    expect(afterAttempt(0, 'HTTP 503', now)).toEqual({
      status: 'pending',
      attempts: 1,
      nextAttemptAt: now + 1000,
      error: 'HTTP 503',
    });
    expect(afterAttempt(2, 'timeout', now)).toMatchObject({ status: 'pending', attempts: 3, nextAttemptAt: now + 4000 });
  });

  it('gives up after the last attempt, keeping the error', () => {
    expect(afterAttempt(WEBHOOK_MAX_ATTEMPTS - 2, 'HTTP 500', now).status).toBe('pending');
    expect(afterAttempt(WEBHOOK_MAX_ATTEMPTS - 1, 'HTTP 500', now)).toEqual({
      status: 'failed',
      attempts: WEBHOOK_MAX_ATTEMPTS,
      nextAttemptAt: now,
      error: 'HTTP 500',
    });
  });
});
