import { describe, expect, it } from 'vitest';
import { AdaptiveBatch } from './adaptive-batch.js';

describe('AdaptiveBatch', () => {
  it('settles where a transaction takes the target time, for a cost with a fixed part', () => {
    const batch = new AdaptiveBatch(2000, 10);
    const cost = (rows: number) => 1 + 0.05 * rows; // 1 ms per transaction, 50 µs per row
    for (let i = 0; i < 30; i++) batch.record(batch.next, cost(batch.next));
    // The fixed part makes each step aim a little low, so it settles near (10 - 1) / 0.05 = 180.
    expect(cost(batch.next)).toBeGreaterThan(8);
    expect(cost(batch.next)).toBeLessThanOrEqual(10.5);
  });

  it('stays within its bounds', () => {
    const slow = new AdaptiveBatch(500, 10, 20);
    for (let i = 0; i < 10; i++) slow.record(slow.next, slow.next * 5);
    expect(slow.next).toBe(20);
    const fast = new AdaptiveBatch(500, 10, 20);
    for (let i = 0; i < 20; i++) fast.record(fast.next, fast.next * 0.001);
    expect(fast.next).toBe(500);
  });

  it('keeps the largest size without a target, and ignores empty transactions', () => {
    const unbounded = new AdaptiveBatch(2000, Infinity);
    unbounded.record(2000, 500);
    expect(unbounded.next).toBe(2000);
    const batch = new AdaptiveBatch(2000, 10);
    const before = batch.next;
    batch.record(0, 100);
    expect(batch.next).toBe(before);
  });

  it('runs a step with the current size and learns from its time', async () => {
    const batch = new AdaptiveBatch(1000, 1000);
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) await batch.run(async (limit) => (seen.push(limit), limit));
    expect(seen[0]).toBe(50);
    expect(seen[2]).toBeGreaterThan(seen[0]);
  });
});
