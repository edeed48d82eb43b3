import { describe, expect, it } from 'vitest';
import { buildReport, type CellSum } from './report.js';
import { wilson } from './wilson.js';

const cell = (key: string, value: string, actual: string, predicted: string, n: number): CellSum => ({
  key,
  value,
  actual,
  predicted,
  n,
});

// 60 labeled predictions: de 30 (27 correct), fr 30 (12 correct).
const cells: CellSum[] = [
  cell('*', '*', 'a', 'a', 39),
  cell('*', '*', 'b', 'a', 21),
  cell('country', 'de', 'a', 'a', 27),
  cell('country', 'de', 'b', 'a', 3),
  cell('country', 'fr', 'a', 'a', 12),
  cell('country', 'fr', 'b', 'a', 18),
  cell('retired', 'x', 'a', 'a', 5),
];

const report = (over: Partial<Parameters<typeof buildReport>[0]> = {}) =>
  buildReport({
    classes: ['a', 'b'],
    keys: ['country'],
    cells,
    auditCells: [],
    thresholds: { minAccuracy: null, minSupport: 30 },
    ...over,
  });

describe('buildReport', () => {
  it('reports the overall accuracy with its interval', () => {
    const { overall } = report();
    expect(overall).toMatchObject({ n: 60, correct: 39, accuracy: 0.65, ci: wilson(39, 60) });
  });

  it('reports each slice with accuracy, interval, delta and per-class metrics', () => {
    const [de, fr] = report().slices;
    expect(de).toMatchObject({ key: 'country', value: 'de', n: 30, correct: 27, accuracy: 0.9, ci: wilson(27, 30) });
    expect(de.delta).toBeCloseTo(0.25, 12);
    expect(fr.delta).toBeCloseTo(-0.25, 12);
    expect(fr.perClass).toEqual({
      a: { precision: 12 / 30, recall: 1, f1: (2 * 0.4) / 1.4, support: 12 },
      b: { precision: null, recall: 0, f1: null, support: 18 },
    });
  });

  it('flags a slice whose interval lies below the rest of the model', () => {
    const [de, fr] = report().slices;
    expect(fr).toMatchObject({ flagged: true, flagReason: 'below_rest' });
    expect(de).toMatchObject({ flagged: false, flagReason: null });
  });

  it('does not flag below minSupport', () => {
    expect(report({ thresholds: { minAccuracy: null, minSupport: 31 } }).slices.some((s) => s.flagged)).toBe(false);
  });

  it('leaves out keys that are no longer declared', () => {
    expect(report().slices.map((s) => s.key)).toEqual(['country', 'country']);
  });

  it('reports audit accuracy beside the overall, or null without audit labels', () => {
    expect(report().audit).toBeNull();
    expect(report({ auditCells: [cell('*', '*', 'a', 'a', 8), cell('*', '*', 'b', 'a', 2)] }).audit).toEqual({
      n: 10,
      correct: 8,
      accuracy: 0.8,
      ci: wilson(8, 10),
    });
  });

  it('has null accuracy and interval with no labels', () => {
    expect(report({ cells: [] })).toMatchObject({ overall: { n: 0, accuracy: null, ci: null }, slices: [] });
  });
});
