import { describe, expect, it } from 'vitest';
import type { AgreementCell } from './agreement.js';
import { fixture } from './fixtures/load.js';
import { LabelWeigher, shrink, type WeightedRow } from './label-weights.js';

interface Expected {
  row: WeightedRow;
  action: string;
  label: string;
  pCorrect: number;
  weight: number;
}

// Beta shrinkage computed item by item in Python (fixtures/generate.py), Wilson bounds from scipy.
const table = fixture<{ cells: AgreementCell[]; sliceKey: string; rows: Expected[] }>('weights.json');

describe('LabelWeigher against the reference', () => {
  const weigher = new LabelWeigher(table.cells, { sliceKey: table.sliceKey });
  for (const e of table.rows) {
    it(`${e.row.source} ${e.row.rule ?? ''} '${e.row.label}' in g=${e.row.slices?.g}: ${e.action}`, () => {
      const w = weigher.weigh(e.row);
      expect(w.action).toBe(e.action);
      expect(w.label).toBe(e.label);
      expect(w.pCorrect).toBeCloseTo(e.pCorrect, 12);
      expect(w.weight).toBeCloseTo(e.weight, 12);
      expect(w.reason.length).toBeGreaterThan(0);
    });
  }
});

describe('LabelWeigher', () => {
  const cell = (source: string, sourceLabel: string, humanLabel: string, n: number, audit = true): AgreementCell => ({
    source,
    rule: null,
    key: '*',
    value: '*',
    sourceLabel,
    humanLabel,
    audit,
    n,
  });

  it('trusts human labels', () => {
    const w = new LabelWeigher([]).weigh({ source: 'audit', label: 'ham' });
    expect(w).toMatchObject({ action: 'keep', weight: 1, pCorrect: 1 });
    expect(new LabelWeigher([]).weigh({ source: 'manual', label: 'ham' }).weight).toBe(1);
  });

  it('drops a mostly wrong source+class when no one label is clearly what humans say', () => {
    const cells = [cell('implicit', 'a', 'a', 5), cell('implicit', 'a', 'b', 20), cell('implicit', 'a', 'c', 20)];
    const w = new LabelWeigher(cells).weigh({ source: 'implicit', label: 'a' });
    expect(w.action).toBe('drop');
    expect(w.weight).toBe(0);
    expect(w.reason).toMatch(/implicit 'a' agrees with human labels 11% of 45 times .*dropped/);
  });

  it('flips a mostly wrong source+class to the label humans clearly give it', () => {
    const cells = [cell('implicit', 'ham', 'spam', 40), cell('implicit', 'ham', 'ham', 5)];
    const weigher = new LabelWeigher(cells);
    expect(weigher.weigh({ source: 'implicit', label: 'ham' })).toMatchObject({ action: 'flip', label: 'spam' });
    expect(weigher.verdicts()).toEqual([
      expect.objectContaining({ source: 'implicit', label: 'ham', action: 'flip', flipTo: 'spam', n: 45 }),
    ]);
  });

  it('measures with audit labels only when asked', () => {
    const cells = [cell('implicit', 'ham', 'spam', 40, false), cell('implicit', 'ham', 'ham', 30, true)];
    expect(new LabelWeigher(cells).weigh({ source: 'implicit', label: 'ham' }).pCorrect).toBeLessThan(0.5);
    expect(new LabelWeigher(cells, { basis: 'audit' }).weigh({ source: 'implicit', label: 'ham' }).pCorrect).toBeGreaterThan(0.9);
  });

  it('falls back to the source, then to all sources, for what it has not measured', () => {
    const cells = [cell('direct', 'spam', 'spam', 90), cell('direct', 'spam', 'ham', 10), cell('implicit', 'ham', 'ham', 50)];
    const weigher = new LabelWeigher(cells, { priorStrength: 10 });
    const pGlobal = (140 + 1) / (150 + 2);
    const pDirect = shrink({ n: 100, agree: 90 }, pGlobal, 10);
    expect(weigher.weigh({ source: 'direct', label: 'ham' }).pCorrect).toBeCloseTo(pDirect, 12);
    expect(weigher.weigh({ source: 'weak', label: 'ham' }).pCorrect).toBeCloseTo(pGlobal, 12);
    expect(weigher.weigh({ source: 'weak', label: 'ham' }).reason).toMatch(/weak not measured/);
  });
});
