import { describe, expect, it } from 'vitest';
import { uncertainty } from './uncertainty.js';

describe('uncertainty', () => {
  it.each([
    { p: [1, 0, 0], lc: 0, margin: 1, entropy: 0 },
    { p: [0.5, 0.5], lc: 0.5, margin: 0, entropy: Math.log(2) },
    { p: [0.7, 0.2, 0.1], lc: 0.3, margin: 0.5, entropy: -(0.7 * Math.log(0.7) + 0.2 * Math.log(0.2) + 0.1 * Math.log(0.1)) },
    { p: [0.1, 0.2, 0.7], lc: 0.3, margin: 0.5, entropy: -(0.7 * Math.log(0.7) + 0.2 * Math.log(0.2) + 0.1 * Math.log(0.1)) },
    { p: [0.25, 0.25, 0.25, 0.25], lc: 0.75, margin: 0, entropy: Math.log(4) },
    { p: [0.6, 0.4], lc: 0.4, margin: 0.2, entropy: -(0.6 * Math.log(0.6) + 0.4 * Math.log(0.4)) },
  ])('scores $p', ({ p, lc, margin, entropy }) => {
    const u = uncertainty(p);
    expect(u.leastConfidence).toBeCloseTo(lc, 10);
    expect(u.margin).toBeCloseTo(margin, 10);
    expect(u.entropy).toBeCloseTo(entropy, 10);
  });

  it('ranks a flatter distribution as more uncertain on all three scores', () => {
    const confident = uncertainty([0.9, 0.05, 0.05]);
    const unsure = uncertainty([0.4, 0.35, 0.25]);
    expect(unsure.leastConfidence).toBeGreaterThan(confident.leastConfidence);
    expect(unsure.margin).toBeLessThan(confident.margin);
    expect(unsure.entropy).toBeGreaterThan(confident.entropy);
  });

  it('treats a missing class as probability zero', () => {
    expect(uncertainty([0.8, 0.2])).toEqual(uncertainty([0.8, 0.2, 0]));
  });
});
