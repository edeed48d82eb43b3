import { describe, expect, it } from 'vitest';
import { wilson } from '../slices/wilson.js';
import { biasTest, estimateAccuracy, type ProxyCell, ppiStrataOf, wilsonAt } from './estimate.js';

const cell = (proxy: 0 | 1 | null, truth: 0 | 1 | null, n: number, stratum = '*'): ProxyCell => ({ stratum, proxy, truth, n });

describe('estimateAccuracy', () => {
  it('is null, with the reason, without audit labels', () => {
    const out = estimateAccuracy([cell(1, null, 500), cell(0, null, 100)]);
    expect(out.estimate).toBeNull();
    expect(out.reason).toBe('no_audit_labels');
  });

  it('is null when a stratum of a by_slice audit has no audit labels: it cannot be estimated without bias', () => {
    const out = estimateAccuracy([cell(1, 1, 40, 'de'), cell(1, null, 500, 'de'), cell(1, null, 300, 'fr')]);
    expect(out.reason).toBe('unaudited_stratum');
    expect(out.estimate).toBeNull();
  });

  it('is the audit alone, with its Wilson interval, when the slice has no behaviour labels', () => {
    const { estimate } = estimateAccuracy([cell(null, 1, 30), cell(null, 0, 20), cell(null, null, 950)]);
    expect(estimate?.method).toBe('audit_only');
    expect(estimate?.accuracy).toBeCloseTo(0.6, 12);
    expect(estimate?.ci).toEqual(wilson(30, 50));
    expect(estimate?.note).toMatch(/no behaviour labels/);
    expect(estimate?.n).toBe(1000);
    expect(estimate?.nAudit).toBe(50);
  });

  it('is the audit alone below minAudit, saying so', () => {
    const { estimate } = estimateAccuracy([cell(1, 1, 8), cell(0, 0, 4), cell(1, null, 900)]);
    expect(estimate?.method).toBe('audit_only');
    expect(estimate?.note).toMatch(/fewer than 30/);
  });

  it('is plain PPI when power tuning is off', () => {
    const cells = [
      cell(1, 1, 60),
      cell(1, 0, 5),
      cell(0, 0, 25),
      cell(0, 1, 3),
      cell(1, null, 6000),
      cell(0, null, 2000),
      cell(null, null, 500),
    ];
    const { estimate } = estimateAccuracy(cells, { powerTuning: false });
    expect(estimate?.method).toBe('ppi');
    expect(estimate?.lambda).toBe(1);
  });

  it('imputes the stratum mean proxy for predictions without a behaviour label, and leaves the audit mean unchanged at lambda 0', () => {
    const [s] = ppiStrataOf([cell(1, null, 60), cell(0, null, 20), cell(null, null, 20), cell(null, 1, 4)]);
    expect(s.population.n).toBe(104);
    expect(s.population.sumF).toBeCloseTo(60 + 0.75 * 24, 12);
    expect(s.audit.sumF).toBeCloseTo(3, 12);
    expect(s.audit.sumYF).toBeCloseTo(3, 12);
  });

  it('rejects counts that are not whole numbers', () => {
    expect(() => estimateAccuracy([cell(1, 1, 1.5)])).toThrow(RangeError);
    expect(() => estimateAccuracy([cell(1, 1, -1)])).toThrow(RangeError);
  });
});

describe('wilsonAt', () => {
  it('is wilson at a whole effective sample size', () => {
    const [lo, hi] = wilsonAt(0.8, 10);
    const [l, h] = wilson(8, 10);
    expect(lo).toBeCloseTo(l, 12);
    expect(hi).toBeCloseTo(h, 12);
  });
});

describe('biasTest', () => {
  const estimate = { accuracy: 0.4, ci: [0.33, 0.47] as [number, number], se: 0.035 };

  it('flags a label accuracy outside the estimate interval, with its distance in standard errors', () => {
    const t = biasTest(0.7, estimate);
    expect(t.biased).toBe(true);
    expect(t.gap).toBeCloseTo(0.3, 12);
    expect(t.z).toBeCloseTo(0.3 / 0.035, 10);
  });

  it('does not flag one inside it', () => {
    expect(biasTest(0.45, estimate).biased).toBe(false);
  });

  it('does not flag a gap below minGap', () => {
    expect(biasTest(0.48, estimate, 0.1).biased).toBe(false);
    expect(biasTest(0.48, estimate).biased).toBe(true);
  });
});
