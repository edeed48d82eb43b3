import { describe, expect, it } from 'vitest';
import { FeedbackDeltas, feedbackCellsOf, labelCountRowsOf } from './feedback-cells.js';
import { splitWindow } from './feedback.repository.js';

const HOUR = 3_600_000;

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
