import { describe, expect, it } from 'vitest';
import { FailureLimiter } from './failure-limiter.js';

describe('FailureLimiter', () => {
  it('refuses an address once it reaches the limit, until its window ends', () => {
    let now = 1_000_000;
    const limiter = new FailureLimiter(3, 60_000, () => now);
    for (let i = 0; i < 2; i++) limiter.fail('10.0.0.1');
    expect(limiter.retryAfter('10.0.0.1')).toBeNull();
    limiter.fail('10.0.0.1');
    expect(limiter.retryAfter('10.0.0.1')).toBe(60);
    now += 45_500;
    expect(limiter.retryAfter('10.0.0.1')).toBe(15);
    now += 14_500;
    expect(limiter.retryAfter('10.0.0.1')).toBeNull();
  });

  it('counts each address on its own', () => {
    const limiter = new FailureLimiter(1, 60_000, () => 0);
    limiter.fail('10.0.0.1');
    expect(limiter.retryAfter('10.0.0.1')).toBe(60);
    expect(limiter.retryAfter('10.0.0.2')).toBeNull();
  });

  it('forgets the oldest address rather than grow past 10,000', () => {
    const limiter = new FailureLimiter(1, 60_000, () => 0);
    for (let i = 0; i <= 10_000; i++) limiter.fail(`a${i}`);
    expect(limiter.retryAfter('a0')).toBeNull();
    expect(limiter.retryAfter('a10000')).toBe(60);
  });
});
