import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../common/random.js';
import { uncertainty, uncertaintyBuckets } from './uncertainty.js';

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

describe('uncertaintyBuckets', () => {
  it.each([
    { p: [1, 0], lc: 0, margin: 16, entropy: 0 },
    { p: [0.5, 0.5], lc: 8, margin: 0, entropy: 5 },
    { p: [0.25, 0.25, 0.25, 0.25], lc: 12, margin: 0, entropy: 11 },
    { p: [0.7, 0.2, 0.1], lc: 4, margin: 8, entropy: 6 },
  ])('steps $p', ({ p, lc, margin, entropy }) => {
    expect(uncertaintyBuckets(uncertainty(p))).toEqual({
      leastConfidenceBucket: lc,
      marginBucket: margin,
      entropyBucket: entropy,
    });
  });

  it('orders by (bucket, score) exactly as by score alone, whatever the number of classes', () => {
    const random = new SeededRandom(7);
    const rows = Array.from({ length: 5000 }, () => {
      const k = 2 + Math.floor(random.next() * 8);
      const raw = Array.from({ length: k }, () => random.next() ** (1 + random.next() * 4));
      const sum = raw.reduce((a, b) => a + b, 0);
      const u = uncertainty(raw.map((x) => x / sum));
      return { u, b: uncertaintyBuckets(u) };
    });
    const byScore = (s: (r: (typeof rows)[number]) => number) => [...rows].sort((x, y) => s(x) - s(y)).map((r) => s(r));
    const byBucket = (b: (r: (typeof rows)[number]) => number, s: (r: (typeof rows)[number]) => number) =>
      [...rows].sort((x, y) => b(x) - b(y) || s(x) - s(y)).map((r) => s(r));
    expect(
      byBucket(
        (r) => r.b.leastConfidenceBucket,
        (r) => r.u.leastConfidence,
      ),
    ).toEqual(byScore((r) => r.u.leastConfidence));
    expect(
      byBucket(
        (r) => r.b.marginBucket,
        (r) => r.u.margin,
      ),
    ).toEqual(byScore((r) => r.u.margin));
    expect(
      byBucket(
        (r) => r.b.entropyBucket,
        (r) => r.u.entropy,
      ),
    ).toEqual(byScore((r) => r.u.entropy));
    // More than one bucket is in use for each score, so the check above is not of a constant.
    for (const key of ['leastConfidenceBucket', 'marginBucket', 'entropyBucket'] as const) {
      expect(new Set(rows.map((r) => r.b[key])).size).toBeGreaterThan(4);
    }
  });
});
