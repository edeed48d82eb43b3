import { describe, expect, it } from 'vitest';
import { Z95 } from '../slices/wilson.js';
import { estimateAccuracy, type ProxyCell, ppiStrataOf } from './estimate.js';
import { fixture } from './fixtures/load.js';
import { ppiMean, residualVariance, sampleCovariance, tunedLambda } from './ppi.js';

interface PpiCase {
  name: string;
  cells: ProxyCell[];
  variants: {
    lambda: number | 'tuned';
    pseudoPairs: number;
    expected: { estimate: number; se: number; lambda: number; ci: [number, number] };
  }[];
  chosen: { method: string; accuracy: number; ci: [number, number] };
}

// numpy over the raw items: np.cov, np.var(ddof=1), scipy.stats.norm.ppf (fixtures/generate.py).
const table = fixture<{ z: number; cases: PpiCase[] }>('ppi.json');

describe('ppiMean against numpy on the raw items', () => {
  it('uses the same z as scipy', () => {
    expect(Z95).toBeCloseTo(table.z, 12);
  });

  for (const c of table.cases) {
    for (const v of c.variants) {
      it(`${c.name}: lambda ${v.lambda}, ${v.pseudoPairs} pseudo-pairs`, () => {
        const r = ppiMean(ppiStrataOf(c.cells), { lambda: v.lambda, pseudoPairs: v.pseudoPairs });
        expect(r.lambda).toBeCloseTo(v.expected.lambda, 10);
        expect(r.estimate).toBeCloseTo(v.expected.estimate, 10);
        expect(r.se).toBeCloseTo(v.expected.se, 10);
        expect(r.ci[0]).toBeCloseTo(v.expected.ci[0], 10);
        expect(r.ci[1]).toBeCloseTo(v.expected.ci[1], 10);
      });
    }
  }
});

describe('estimateAccuracy chooses the method the reference chooses', () => {
  for (const c of table.cases) {
    it(`${c.name}: ${c.chosen.method}`, () => {
      const { estimate } = estimateAccuracy(c.cells);
      expect(estimate?.method).toBe(c.chosen.method);
      expect(estimate!.accuracy).toBeCloseTo(c.chosen.accuracy, 10);
      expect(estimate!.ci[0]).toBeCloseTo(c.chosen.ci[0], 8);
      expect(estimate!.ci[1]).toBeCloseTo(c.chosen.ci[1], 8);
    });
  }
});

describe('ppiMean', () => {
  const audit = { n: 4, sumY: 3, sumY2: 3, sumF: 2, sumF2: 2, sumYF: 2 };

  it('is the audit mean at lambda 0 and the proxy mean plus the rectifier at lambda 1', () => {
    const strata = [{ population: { n: 100, sumF: 70 }, audit }];
    expect(ppiMean(strata, { lambda: 0 }).estimate).toBeCloseTo(0.75, 12);
    expect(ppiMean(strata, { lambda: 1 }).estimate).toBeCloseTo(0.7 + (3 - 2) / 4, 12);
  });

  it('has no variance when the whole population is audited', () => {
    const r = ppiMean([{ population: { n: 4, sumF: 2 }, audit }], { lambda: 'tuned' });
    expect(r.variance).toBe(0);
    expect(r.estimate).toBeCloseTo(0.75, 12);
  });

  it('keeps some width when the audit has seen no disagreement, unless told not to', () => {
    const perfect = { n: 40, sumY: 30, sumY2: 30, sumF: 30, sumF2: 30, sumYF: 30 };
    const strata = [{ population: { n: 5000, sumF: 3600 }, audit: perfect }];
    expect(ppiMean(strata, { lambda: 1, pseudoPairs: 0 }).se).toBe(0);
    expect(ppiMean(strata, { lambda: 1 }).se).toBeGreaterThan(0.02);
  });

  it('tunes lambda to the regression coefficient Cov(Y, F) / Var(F), clipped to [0, 1]', () => {
    const strata = [{ population: { n: 1000, sumF: 500 }, audit }];
    // Y = [1, 1, 1, 0], F = [1, 1, 0, 0]: Cov = 1/6, Var(F) = 1/3.
    expect(sampleCovariance(audit)).toBeCloseTo(1 / 6, 12);
    expect(tunedLambda(strata)).toBeCloseTo(0.5, 12);
    const anti = { n: 4, sumY: 2, sumY2: 2, sumF: 2, sumF2: 2, sumYF: 0 };
    expect(tunedLambda([{ population: { n: 1000, sumF: 500 }, audit: anti }])).toBe(0);
  });

  it('measures the residual variance of Y - lambda F', () => {
    // Y = [1, 1, 1, 0], F = [1, 1, 0, 0]: residuals at lambda 1 are [0, 0, 1, 0].
    expect(residualVariance(audit, 1)).toBeCloseTo(0.25, 12);
  });

  it('rejects a stratum without audit labels or with more audited than exist', () => {
    expect(() => ppiMean([{ population: { n: 10, sumF: 5 }, audit: { ...audit, n: 0 } }])).toThrow(RangeError);
    expect(() => ppiMean([{ population: { n: 3, sumF: 1 }, audit }])).toThrow(RangeError);
    expect(() => ppiMean([])).toThrow(RangeError);
  });
});
