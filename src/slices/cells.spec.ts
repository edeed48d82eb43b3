import { describe, expect, it } from 'vitest';
import { CellDeltas, cellsOf, coordinatesOf, type RolledPrediction } from './cells.js';

const p: RolledPrediction = {
  model: 'shop',
  modelVersion: 'v1',
  ts: Date.parse('2026-11-26T10:20:00Z'),
  predicted: 'click',
  slices: { device: 'mobile', country: 'de' },
};
const crosses: [string, string][] = [['country', 'device']];

describe('coordinatesOf', () => {
  it('lists the whole model, each slice value and each declared cross', () => {
    expect(coordinatesOf(p.slices, crosses)).toEqual([
      { key: '*', value: '*' },
      { key: 'country', value: 'de' },
      { key: 'device', value: 'mobile' },
      { key: 'country×device', value: 'de×mobile' },
    ]);
  });

  it('leaves out a cross the prediction lacks a value for', () => {
    expect(coordinatesOf({ country: 'fr' }, crosses)).toEqual([
      { key: '*', value: '*' },
      { key: 'country', value: 'fr' },
    ]);
  });
});

describe('cellsOf', () => {
  it('counts a prediction at its hour, its day and all time for every coordinate', () => {
    const cells = cellsOf(p, { label: 'purchase', source: 'direct' }, crosses);
    expect(cells).toHaveLength(4 * 3);
    expect(cells.filter((c) => c.key === 'country')).toEqual([
      expect.objectContaining({ grain: 'hour', bucket: Date.parse('2026-11-26T10:00:00Z') }),
      expect.objectContaining({ grain: 'day', bucket: Date.parse('2026-11-26T00:00:00Z') }),
      expect.objectContaining({ grain: 'all', bucket: 0 }),
    ]);
    expect(cells.every((c) => c.actual === 'purchase' && c.predicted === 'click' && c.source === 'direct')).toBe(true);
  });
});

describe('CellDeltas', () => {
  it('moves a prediction from its old cell to its new one', () => {
    const d = new CellDeltas();
    d.move(p, { label: 'ignore', source: 'implicit' }, { label: 'click', source: 'direct' }, []);
    const changes = d.changes().filter((c) => c.cell.key === '*' && c.cell.grain === 'all');
    expect(changes.map((c) => [c.cell.source, c.cell.actual, c.delta])).toEqual([
      ['direct', 'click', 1],
      ['implicit', 'ignore', -1],
    ]);
  });

  it('nets out changes that cancel within a chunk', () => {
    const d = new CellDeltas();
    d.move(p, null, { label: 'click', source: 'direct' }, crosses);
    d.move(p, { label: 'click', source: 'direct' }, { label: 'purchase', source: 'direct' }, crosses);
    d.move(p, { label: 'purchase', source: 'direct' }, { label: 'click', source: 'direct' }, crosses);
    expect(d.changes()).toHaveLength(12);
    expect(d.changes().every((c) => c.delta === 1 && c.cell.actual === 'click')).toBe(true);
  });

  it('removes a prediction whose label was withdrawn', () => {
    const d = new CellDeltas();
    d.move(p, { label: 'click', source: 'manual' }, null, []);
    expect(d.changes().map((c) => c.delta)).toEqual([-1, -1, -1, -1, -1, -1, -1, -1, -1]);
  });
});
