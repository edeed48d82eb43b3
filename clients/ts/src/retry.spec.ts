import { describe, expect, it } from 'vitest';
import { idempotentByDefault } from './client.js';
import { backoffMs, DEFAULT_RETRY, notCarriedOut, parseRetryAfter, retryableStatus } from './retry.js';

describe('retry policy', () => {
  it.each([
    [400, false],
    [401, false],
    [404, false],
    [409, false],
    [413, false],
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [507, true],
  ])('status %i is retryable: %s', (status, expected) => {
    expect(retryableStatus(status)).toBe(expected);
  });

  it('repeats a request that may have been carried out only after 429 or 503', () => {
    expect([429, 500, 502, 503, 504].filter(notCarriedOut)).toEqual([429, 503]);
  });

  it('draws full jitter below base * 2^(retry-1), capped', () => {
    const policy = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5, 40].map((r) => backoffMs(r, policy, undefined, () => 0.999999))).toEqual(
      [100, 200, 400, 800, 1000, 1000].map((v) => expect.closeTo(v, 2)),
    );
    expect(backoffMs(3, policy, undefined, () => 0)).toBe(0);
  });

  it('waits for Retry-After plus up to one base delay, capped', () => {
    const policy = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 10_000 };
    expect(backoffMs(1, policy, 5000, () => 0.5)).toBe(5050);
    expect(backoffMs(1, policy, 60_000, () => 0.5)).toBe(10_000);
  });

  it.each([
    ['5', 5000],
    [' 0 ', 0],
    ['Wed, 02 Dec 2026 01:00:10 GMT', 10_000],
    ['Wed, 02 Dec 2026 00:59:00 GMT', 0],
    ['soon', undefined],
    ['', undefined],
    [null, undefined],
  ])('reads Retry-After %j as %s ms', (value, expected) => {
    expect(parseRetryAfter(value, Date.parse('2026-12-02T01:00:00Z'))).toBe(expected);
  });

  it.each([
    ['GET', '/api/v1/models', true],
    ['PUT', '/api/v1/models/m', true],
    ['DELETE', '/api/v1/exports/x', true],
    ['POST', '/api/v1/predictions', true],
    ['POST', '/api/v1/events?x=1', true],
    ['POST', '/api/v1/models/m/lf-votes', true],
    ['POST', '/api/v1/models/m/labeling-batches', false],
    ['POST', '/api/v1/tokens', false],
    ['POST', '/api/v1/models/m/exports', false],
  ])('%s %s may be repeated after a 5xx or network error: %s', (method, path, expected) => {
    expect(idempotentByDefault(method, path)).toBe(expected);
  });
});
