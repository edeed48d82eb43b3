import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../common/random.js';
import { gini } from './distribution-checks.js';
import { exposureCountDeltas, FeedbackDeltas, feedbackCellsOf, giniStatsOfCounts, labelCountRowsOf } from './feedback-cells.js';
import { splitWindow } from './feedback.repository.js';

const HOUR = 3_600_000;

describe('giniStatsOfCounts', () => {
  it('gives the rank-weighted sums of the items ranked one by one, for random exposure counts', () => {
    const r = new SeededRandom(11);
    for (let run = 0; run < 50; run++) {
      const perItem = Array.from({ length: 1 + r.int(200) }, () => 1 + r.int(r.next() < 0.5 ? 3 : 40));
      const sorted = [...perItem].sort((a, b) => a - b);
      const oneByOne = {
        items: sorted.length,
        total: sorted.reduce((s, c) => s + c, 0),
        rankWeighted: sorted.reduce((s, c, i) => s + (i + 1) * c, 0),
      };
      const distribution = new Map<number, number>();
      for (const c of perItem) distribution.set(c, (distribution.get(c) ?? 0) + 1);
      const counts = [...distribution].map(([exposures, items]) => ({ exposures, items }));
      expect(giniStatsOfCounts(counts)).toEqual(oneByOne);
    }
  });

  it('reproduces the Gini coefficient of a published example', () => {
    // Incomes 1, 2, 3, 4, 5 have G = 0.2667 (4/15): e.g. the worked example of the Gini coefficient
    // for discrete data, G = sum_i (2i - n - 1) x_i / (n sum x).
    expect(gini(giniStatsOfCounts([1, 2, 3, 4, 5].map((c) => ({ exposures: c, items: 1 }))))).toBeCloseTo(4 / 15, 12);
    // Equal exposure is 0; one item with all of it among n is (n - 1) / n.
    expect(gini(giniStatsOfCounts([{ exposures: 7, items: 9 }]))).toBeCloseTo(0, 12);
    expect(gini(giniStatsOfCounts([{ exposures: 0, items: 0 }]))).toBe(0);
  });
});

describe('exposureCountDeltas', () => {
  it('moves each item from its old count to its new one, and adds new items without an old count', () => {
    const deltas = exposureCountDeltas([
      { modelVersion: 'v1', before: 0, after: 2 },
      { modelVersion: 'v1', before: 2, after: 3 },
      { modelVersion: 'v1', before: 0, after: 3 },
      { modelVersion: '', before: 5, after: 5 },
    ]);
    expect(deltas).toEqual([{ modelVersion: 'v1', exposures: 3, delta: 2 }]);
    expect(exposureCountDeltas([{ modelVersion: 'v2', before: 1, after: 4 }])).toEqual([
      { modelVersion: 'v2', exposures: 1, delta: -1 },
      { modelVersion: 'v2', exposures: 4, delta: 1 },
    ]);
  });
});

describe('FeedbackDeltas', () => {
  const p = { model: 'm', modelVersion: 'v1', ts: 5 * HOUR + 10, predicted: 'a', policy: 'model', missingPropensity: true };

  it('moves a prediction at every grain and writes nothing when the label did not change', () => {
    const deltas = new FeedbackDeltas();
    deltas.move(p, { source: 'direct', label: 'a' }, { source: 'direct', label: 'a' });
    expect(deltas.changes()).toEqual([]);
    deltas.move(p, { source: '', label: '' }, { source: 'manual', label: 'b' });
    const changes = deltas.changes();
    expect(changes).toHaveLength(6);
    expect(changes.filter((c) => c.delta === 1).map((c) => [c.cell.grain, c.cell.bucket, c.cell.label, c.cell.missing])).toEqual(
      expect.arrayContaining([
        ['hour', 5 * HOUR, 'b', 1],
        ['day', 0, 'b', 1],
        ['all', 0, 'b', 1],
      ]),
    );
  });

  it('reads summed cells back as the report rows, unlabeled and no policy as null', () => {
    const [cell] = feedbackCellsOf({ ...p, policy: '' }, { source: '', label: '' });
    expect(
      labelCountRowsOf([
        { ...cell, missing: 1, n: 4 },
        { ...cell, missing: 0, n: 0 },
      ]),
    ).toEqual([{ predicted: 'a', label: null, policy: null, source: null, missing: true, n: 4 }]);
  });
});

describe('splitWindow', () => {
  it.each([
    [null, null, { from: null, to: null }, []],
    [2 * HOUR, 5 * HOUR, { from: 2 * HOUR, to: 5 * HOUR }, []],
    [2 * HOUR + 1, null, { from: 3 * HOUR, to: null }, [[2 * HOUR + 1, 3 * HOUR]]],
    [null, 5 * HOUR - 1, { from: null, to: 4 * HOUR }, [[4 * HOUR, 5 * HOUR - 1]]],
    [
      2 * HOUR + 1,
      5 * HOUR - 1,
      { from: 3 * HOUR, to: 4 * HOUR },
      [
        [2 * HOUR + 1, 3 * HOUR],
        [4 * HOUR, 5 * HOUR - 1],
      ],
    ],
    [2 * HOUR + 1, 3 * HOUR + 5, null, [[2 * HOUR + 1, 3 * HOUR + 5]]],
    [2 * HOUR + 1, 2 * HOUR + 9, null, [[2 * HOUR + 1, 2 * HOUR + 9]]],
    [3 * HOUR - 1, 3 * HOUR + 1, null, [[3 * HOUR - 1, 3 * HOUR + 1]]],
  ] as const)('splits [%s, %s) into whole hours %j and ends %j', (from, to, hours, edges) => {
    expect(splitWindow(from, to)).toEqual({ hours, edges: edges.map(([a, b]) => ({ from: a, to: b })) });
  });
});
