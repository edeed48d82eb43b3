import { describe, expect, it } from 'vitest';
import type { AgreementCell } from '../quality/agreement.js';
import { agreementCells, type LabelOfPrediction } from './agreement-cells.js';
import { LabelQualityPolicy } from './label-quality-policy.js';

const cell = (source: string, sourceLabel: string, humanLabel: string, n: number, audit = false): AgreementCell => ({
  source,
  rule: null,
  key: '*',
  value: '*',
  sourceLabel,
  humanLabel,
  audit,
  n,
});

const label = (
  predictionId: string,
  source: string,
  value: string,
  updatedAt = 1,
  slices = { group: 'a' },
): LabelOfPrediction => ({
  predictionId,
  source,
  label: value,
  updatedAt,
  slices,
});

describe('agreementCells', () => {
  it('pairs the best behaviour label with the audit label over the manual one, per whole model and slice key', () => {
    const cells = agreementCells(
      [
        label('p1', 'implicit', 'ham'),
        label('p1', 'direct', 'spam'),
        label('p1', 'manual', 'ham'),
        label('p1', 'audit', 'spam'),
        label('p2', 'implicit', 'ham'),
        label('p2', 'manual', 'spam', 1),
        label('p2', 'manual', 'ham', 5),
        label('p3', 'manual', 'ham'),
      ],
      ['manual', 'audit', 'direct', 'implicit'],
      ['group'],
    );
    const sorted = cells.map((c) => [c.source, c.key, c.sourceLabel, c.humanLabel, c.audit, c.n]).sort();
    expect(sorted).toEqual(
      [
        ['direct', '*', 'spam', 'spam', true, 1],
        ['direct', 'group', 'spam', 'spam', true, 1],
        ['implicit', '*', 'ham', 'ham', false, 1],
        ['implicit', 'group', 'ham', 'ham', false, 1],
      ].sort(),
    );
  });
});

// Shrunk level by level with prior strength 10: all sources agree (101 + 1) / (140 + 2); implicit
// (80 + 10 global) / 110; implicit 'ham' (80 + 10 implicit) / 110.
const P_GLOBAL = 102 / 142;
const P_IMPLICIT = (80 + 10 * P_GLOBAL) / 110;
const P_HAM = (80 + 10 * P_IMPLICIT) / 110;

describe('LabelQualityPolicy', () => {
  // implicit 'ham' right 80 of 100; direct 'spam' right 19 of 20 (both against human labels).
  const cells = [
    cell('implicit', 'ham', 'ham', 80),
    cell('implicit', 'ham', 'spam', 20),
    cell('direct', 'spam', 'spam', 19),
    cell('direct', 'spam', 'ham', 1),
    cell('direct', 'ham', 'spam', 18),
    cell('direct', 'ham', 'ham', 2),
  ];
  const rows = [
    ...Array.from({ length: 8 }, () => ({ source: 'implicit', label: 'ham', slices: {} })),
    ...Array.from({ length: 2 }, () => ({ source: 'direct', label: 'spam', slices: {} })),
    { source: 'manual', label: 'spam', slices: {} },
    { source: 'direct', label: 'ham', slices: {} },
  ];

  it('weights behaviour labels by agreement, flips what humans contradict, keeps human labels at 1, then balances classes', () => {
    const policy = new LabelQualityPolicy(cells);
    for (const r of rows) policy.add(r);
    const decisions = rows.map((r) => policy.decide(r));
    const flipped = decisions[11];
    expect(flipped).toMatchObject({ keep: true, label: 'spam', labelSource: 'direct/flipped' });
    const pHam = P_HAM;
    const totals = { ham: 8 * pHam, spam: 0 };
    const pSpam = decisions[8].weight; // before balancing, known below
    expect(decisions[10].label).toBe('spam');
    const summary = policy.summary();
    totals.spam = summary.classes.spam.weight;
    expect(summary.classes.ham.weight).toBeCloseTo(totals.ham, 10);
    // Balanced: each class's total weight after the factor is half the total.
    const total = totals.ham + totals.spam;
    const weightOf = (cls: string) => decisions.filter((d) => d.keep && d.label === cls).reduce((s, d) => s + d.weight, 0);
    expect(weightOf('ham')).toBeCloseTo(total / 2, 10);
    expect(weightOf('spam')).toBeCloseTo(total / 2, 10);
    expect(decisions[0].weight).toBeCloseTo(pHam * (total / (2 * totals.ham)), 10);
    expect(decisions[10].weight / pSpam).toBeGreaterThan(1);
    expect(summary.actions).toEqual({ keep: 11, flip: 1, drop: 0 });
    expect(summary.verdicts.find((v) => v.source === 'direct' && v.label === 'ham')).toMatchObject({
      action: 'flip',
      flipTo: 'spam',
    });
    expect(summary.humanLabels).toBe(140);
  });

  it('without balancing, a kept behaviour label weighs its probability of being right and a human label 1', () => {
    const policy = new LabelQualityPolicy(cells, { humanWeight: 1, balanceClasses: false });
    for (const r of rows) policy.add(r);
    expect(policy.decide(rows[0]).weight).toBeCloseTo(P_HAM, 10);
    expect(policy.decide(rows[10]).weight).toBe(1);
  });
});
