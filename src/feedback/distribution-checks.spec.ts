import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../common/random.js';
import { DEFAULT_SETTINGS } from '../models/model-settings.js';
import { worstOf } from './checks.js';
import {
  type ClassCoverage,
  exposureConcentration,
  gini,
  giniStatsOfCounts,
  type GiniStats,
  priorShift,
  selectionCoverage,
  totalVariation,
} from './distribution-checks.js';
import type { FeedbackCheck, FeedbackSeverity } from './feedback.types.js';

const s = DEFAULT_SETTINGS.feedback;
const cov = (predicted: string, predictions: number, labeled: number): ClassCoverage => ({ predicted, predictions, labeled });

/** The database's aggregate over per-item exposure counts, computed here from the counts themselves. */
function stats(counts: number[]): GiniStats {
  const sorted = [...counts].sort((a, b) => a - b);
  return {
    items: sorted.length,
    total: sorted.reduce((a, b) => a + b, 0),
    rankWeighted: sorted.reduce((a, c, i) => a + (i + 1) * c, 0),
  };
}

describe('selectionCoverage', () => {
  it.each<[string, ClassCoverage[], FeedbackSeverity, number | null]>([
    ['one class only', [cov('ham', 100, 90)], 'unknown', null],
    ['second class below minimum support', [cov('ham', 100, 90), cov('spam', 29, 0)], 'unknown', null],
    ['a supported class never labeled', [cov('ham', 100, 90), cov('spam', 100, 0)], 'block', null],
    ['ten times as often', [cov('ham', 100, 100), cov('spam', 100, 10)], 'warn', 10],
    ['exactly five times', [cov('ham', 100, 50), cov('spam', 100, 10)], 'ok', 5],
    ['even', [cov('ham', 100, 50), cov('spam', 40, 20), cov('other', 10, 0)], 'ok', 1],
  ])('%s', (_case, rows, severity, value) => {
    expect(selectionCoverage('spam', rows, s)).toMatchObject({ name: 'selection_coverage', severity, value, threshold: 5 });
  });
});

describe('totalVariation', () => {
  it.each<[Record<string, number>, Record<string, number>, number]>([
    [{ a: 1, b: 1 }, { a: 5, b: 5 }, 0],
    [{ a: 1 }, { b: 3 }, 1],
    [{ a: 3, b: 1 }, { a: 1, b: 1 }, 0.25],
    [{ a: 1, b: 1, c: 2 }, { a: 1, b: 1 }, 0.5],
  ])('%o against %o is %d', (a, b, d) => {
    expect(totalVariation(a, b)).toBeCloseTo(d, 12);
  });
});

describe('priorShift', () => {
  it.each<[string, Record<string, number>, Record<string, number> | null, FeedbackSeverity, RegExp]>([
    ['no previous export', { ham: 5 }, null, 'unknown', /no previous export/],
    ['an empty previous export', { ham: 5 }, {}, 'unknown', /previous export/],
    ['no labels now', {}, { ham: 5 }, 'unknown', /no labeled predictions/],
    ['the same prior', { ham: 80, spam: 20 }, { ham: 8, spam: 2 }, 'ok', /moved by 0.000/],
    ['a shift of 0.3', { ham: 50, spam: 50 }, { ham: 80, spam: 20 }, 'warn', /moved by 0.300/],
  ])('%s', (_case, now, before, severity, explanation) => {
    const check = priorShift('spam', now, before, s);
    expect(check.severity).toBe(severity);
    expect(check.explanation).toMatch(explanation);
  });
});

describe('gini', () => {
  it.each<[number[], number]>([
    [[], 0],
    [[7], 0],
    [[5, 5, 5, 5], 0],
    [[0, 0, 0, 10], 0.75],
    [[1, 2, 3, 4], 0.25],
  ])('of %o is %d', (counts, g) => {
    expect(gini(stats(counts))).toBeCloseTo(g, 12);
  });
});

describe('exposureConcentration', () => {
  it.each<[string, GiniStats | null, GiniStats | null, FeedbackSeverity, number | null]>([
    ['a window without a start (exposures not read)', null, null, 'unknown', null],
    ['no items logged', stats([]), stats([1, 2]), 'unknown', null],
    ['no previous window', stats([1, 2]), null, 'unknown', null],
    ['nothing in the previous window', stats([1, 2]), stats([]), 'unknown', null],
    ['as even as before', stats([5, 5, 5, 5]), stats([2, 2, 2, 2]), 'ok', 0],
    ['concentrating on one item', stats([1, 1, 1, 20]), stats([5, 5, 5, 5]), 'warn', gini(stats([1, 1, 1, 20]))],
  ])('%s', (_case, now, before, severity, value) => {
    const check = exposureConcentration('spam', now, before, s);
    expect(check.severity).toBe(severity);
    if (value === null) expect(check.value).toBeNull();
    else expect(check.value).toBeCloseTo(value, 12);
  });
});

describe('worstOf', () => {
  const c = (severity: FeedbackSeverity) => ({ severity }) as FeedbackCheck;
  it.each<[FeedbackSeverity[], string]>([
    [[], 'ok'],
    [['unknown', 'ok'], 'ok'],
    [['ok', 'warn', 'unknown'], 'warn'],
    [['warn', 'block', 'ok'], 'block'],
  ])('of %o is %s', (severities, worst) => {
    expect(worstOf(severities.map(c))).toBe(worst);
  });
});

describe('giniStatsOfCounts', () => {
  it('gives the rank-weighted sums of the items ranked one by one, for random exposure counts', () => {
    const r = new SeededRandom(11);
    for (let run = 0; run < 50; run++) {
      const perItem = Array.from({ length: 1 + r.int(200) }, () => 1 + r.int(r.next() < 0.5 ? 3 : 40));
      const distribution = new Map<number, number>();
      for (const c of perItem) distribution.set(c, (distribution.get(c) ?? 0) + 1);
      const counts = [...distribution].map(([exposures, items]) => ({ exposures, items }));
      expect(giniStatsOfCounts(counts)).toEqual(stats(perItem));
    }
  });

  it('reproduces the Gini coefficient of a published example', () => {
    // Incomes 1, 2, 3, 4, 5: G = sum_i (2i - n - 1) x_i / (n sum x) = 20 / 75 (the discrete formula
    // of the Gini coefficient's Wikipedia article).
    expect(gini(giniStatsOfCounts([1, 2, 3, 4, 5].map((c) => ({ exposures: c, items: 1 }))))).toBeCloseTo(4 / 15, 12);
    expect(gini(giniStatsOfCounts([{ exposures: 7, items: 9 }]))).toBeCloseTo(0, 12);
    expect(giniStatsOfCounts([])).toEqual({ items: 0, total: 0, rankWeighted: 0 });
  });
});
