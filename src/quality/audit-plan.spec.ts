import { describe, expect, it } from 'vitest';
import { planAudit } from './audit-plan.js';
import { fixture } from './fixtures/load.js';

interface PlanCase {
  population: number;
  nAudit: number;
  unitVariance: number | null;
  target: number;
  varianceUsed: number;
  additional: number;
}

// scipy.optimize.brentq on the half-width, not the closed form (fixtures/generate.py).
const { cases } = fixture<{ cases: PlanCase[] }>('audit-plan.json');

describe('planAudit', () => {
  it.each(cases)('N=$population n=$nAudit s2=$unitVariance to +-$target needs $additional more', (c) => {
    const plan = planAudit({
      population: c.population,
      nAudit: c.nAudit,
      unitVariance: c.unitVariance,
      targetHalfWidth: c.target,
    });
    expect(plan.varianceUsed).toBeCloseTo(c.varianceUsed, 12);
    expect(plan.additional).toBe(c.additional);
    if (c.nAudit + c.additional < c.population) expect(plan.projectedHalfWidth).toBeLessThanOrEqual(c.target + 1e-12);
  });

  it('asks for none when the target is already met', () => {
    expect(planAudit({ population: 500, nAudit: 400, unitVariance: 0.1, targetHalfWidth: 0.05 }).additional).toBe(0);
  });

  it('plans with the conservative prior before any audit, and stops at the population', () => {
    const plan = planAudit({ population: 100, nAudit: 0, unitVariance: null, targetHalfWidth: 0.001 });
    expect(plan.varianceUsed).toBe(0.25);
    expect(plan.additional).toBe(100);
    expect(plan.exhaustsPopulation).toBe(true);
  });

  it('does not trust a tiny audit that happens to show no variance', () => {
    expect(planAudit({ population: 10000, nAudit: 3, unitVariance: 0, targetHalfWidth: 0.05 }).additional).toBeGreaterThan(200);
  });

  it.each([
    { population: 10, nAudit: 11, unitVariance: 0.1, targetHalfWidth: 0.05 },
    { population: 10, nAudit: 1, unitVariance: 0.1, targetHalfWidth: 0 },
    { population: 10.5, nAudit: 1, unitVariance: 0.1, targetHalfWidth: 0.1 },
  ])('rejects %o', (input) => {
    expect(() => planAudit(input)).toThrow(RangeError);
  });
});
