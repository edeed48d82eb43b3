import { describe, expect, it } from 'vitest';
import { wilson, Z95 } from './wilson.js';

describe('wilson', () => {
  // Published values: statsmodels proportion_confint(count, nobs, alpha=0.05, method="wilson").
  it.each<[number, number, number, number]>([
    [8, 10, 0.4901625, 0.9433178],
    [0, 10, 0, 0.2775328],
    [10, 10, 0.7224672, 1],
    [50, 100, 0.4038315, 0.5961685],
    [1, 1, 0.2065493, 1],
  ])('%i of %i is [%f, %f]', (successes, n, lo, hi) => {
    const [l, h] = wilson(successes, n);
    expect(l).toBeCloseTo(lo, 6);
    expect(h).toBeCloseTo(hi, 6);
  });

  it('is [0, 1] when nothing was observed', () => {
    expect(wilson(0, 0)).toEqual([0, 1]);
  });

  it('narrows as n grows at the same proportion', () => {
    const width = (s: number, n: number) => wilson(s, n)[1] - wilson(s, n)[0];
    expect(width(80, 100)).toBeLessThan(width(8, 10));
    expect(width(800, 1000)).toBeLessThan(width(80, 100));
  });

  it('widens with a larger z', () => {
    const [l95, h95] = wilson(8, 10, Z95);
    const [l99, h99] = wilson(8, 10, 2.5758293035489);
    expect(l99).toBeLessThan(l95);
    expect(h99).toBeGreaterThan(h95);
  });

  it.each([
    [11, 10],
    [-1, 10],
    [1.5, 10],
  ])('rejects %f of %i', (s, n) => {
    expect(() => wilson(s, n)).toThrow(RangeError);
  });
});
