import { describe, expect, it } from 'vitest';
import { accumulate, emptyStats, hashUnit, type PolicyParams, type PolicyRow, rawIpsWeight, rowPolicy } from './row-policy.js';

function params(overrides: Partial<PolicyParams> = {}): PolicyParams {
  return { mitigation: 'none', split: { validation: 0.1, by: 'random', seed: 7 }, maxIpsWeight: 20, ...overrides };
}

function row(n: number, overrides: Partial<PolicyRow> = {}): PolicyRow {
  return { id: `p${n}`, ts: n, label: 'a', source: 'direct', exposurePolicy: 'model', propensity: 0.5, ...overrides };
}

function decide(rows: PolicyRow[], p: PolicyParams, cutoff: number | null = null) {
  const stats = emptyStats();
  rows.forEach((r) => accumulate(stats, r, p));
  const policy = rowPolicy(p, stats, cutoff);
  return rows.map(policy);
}

describe('rawIpsWeight', () => {
  it.each([
    [0.5, 2],
    [0.01, 20],
    [1, 1],
    [0, null],
    [null, null],
    [1.5, null],
  ])('propensity %s weighs %s', (propensity, weight) => {
    expect(rawIpsWeight(propensity, 20)).toBe(weight);
  });
});

describe('rowPolicy', () => {
  it('normalises IPS weights to mean 1, clipped before normalising, and counts missing propensities', () => {
    const rows = [row(1, { propensity: 0.5 }), row(2, { propensity: 0.001 }), row(3, { propensity: null })];
    const stats = emptyStats();
    rows.forEach((r) => accumulate(stats, r, params({ mitigation: 'ips_weights' })));
    expect(stats.missingPropensity).toBe(1);
    const weights = decide(rows, params({ mitigation: 'ips_weights' })).map((d) => d.weight);
    expect(weights.reduce((a, b) => a + b) / 3).toBeCloseTo(1, 12);
    expect(weights[1] / weights[0]).toBeCloseTo(10, 12);
  });

  it('IPS weights correct a skewed class prior back towards the logging-free one', () => {
    // The model shows "a" items with propensity 0.9 and "b" items with 0.1: equal in the world, 9:1 in the log.
    const rows = [
      ...Array.from({ length: 90 }, (_, n) => row(n, { label: 'a', propensity: 0.9 })),
      ...Array.from({ length: 10 }, (_, n) => row(100 + n, { label: 'b', propensity: 0.1 })),
    ];
    const decisions = decide(rows, params({ mitigation: 'ips_weights' }));
    const weightOf = (label: string) => decisions.filter((_, i) => rows[i].label === label).reduce((s, d) => s + d.weight, 0);
    expect(weightOf('a') / weightOf('b')).toBeCloseTo(1, 12);
  });

  it('class_balance gives each class the same total weight, mean 1', () => {
    const rows = [row(1, { label: 'a' }), row(2, { label: 'a' }), row(3, { label: 'a' }), row(4, { label: 'b' })];
    const weights = decide(rows, params({ mitigation: 'class_balance' })).map((d) => d.weight);
    expect(weights).toEqual([2 / 3, 2 / 3, 2 / 3, 2]);
  });

  it('downsample_model_driven keeps about as many model-driven rows as others, deterministically', () => {
    const rows = [
      ...Array.from({ length: 900 }, (_, n) => row(n)),
      ...Array.from({ length: 100 }, (_, n) => row(1000 + n, { exposurePolicy: 'explore' })),
    ];
    const p = params({ mitigation: 'downsample_model_driven' });
    const kept = decide(rows, p).filter((d, i) => d.keep && rows[i].exposurePolicy === 'model').length;
    expect(kept).toBeGreaterThan(70);
    expect(kept).toBeLessThan(130);
    expect(decide(rows, p)).toEqual(decide(rows, p));
    expect(
      decide(rows, p)
        .slice(900)
        .every((d) => d.keep),
    ).toBe(true);
  });

  it('splits at random by a seeded hash of the id, close to the fraction asked', () => {
    const rows = Array.from({ length: 10_000 }, (_, n) => row(n));
    const validation = decide(rows, params()).filter((d) => d.split === 'validation').length;
    expect(validation).toBeGreaterThan(900);
    expect(validation).toBeLessThan(1100);
    expect(hashUnit(7, 'p1')).not.toBe(hashUnit(8, 'p1'));
  });

  it('splits by time at the cutoff: rows at or after it validate', () => {
    const splits = decide([row(1), row(5), row(9)], params({ split: { validation: 0.3, by: 'time', seed: 0 } }), 5).map(
      (d) => d.split,
    );
    expect(splits).toEqual(['train', 'validation', 'validation']);
  });
});
