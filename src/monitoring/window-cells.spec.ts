import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../common/random.js';
import { HOUR_MS } from '../slices/window.js';
import { cellsOf, emptyFold, extendFold, foldRows, sliceCells, type StoredRow } from './window-cells.js';
import { encodeProfile, ProfileDeltas } from './profiler.js';

const SCHEMA = {
  price: { type: 'number' as const, min: 0 },
  // More values than a tally keeps (CATEGORY_CAP), so the merge order decides what stays.
  sku: { type: 'category' as const, values: [] },
  title: { type: 'text' as const },
};

/** Hour profiles of a seeded log over `hours` hours and two model versions, as the profile job stores them (key order). */
function storedHours(hours: number): (StoredRow & { bucket: number })[] {
  const random = new SeededRandom(7);
  const deltas = new ProfileDeltas({ schema: SCHEMA, crosses: [], grains: ['hour'] });
  for (let i = 0; i < hours * 400; i++) {
    const hour = Math.floor(i / 400);
    deltas.add({
      modelVersion: random.chance(0.3) ? 'v2' : 'v1',
      ts: hour * HOUR_MS + random.int(HOUR_MS),
      features: {
        price: Math.round(random.between(1, 500) * (1 + hour / 4) * 100) / 100,
        sku: `sku-${random.int(60 + hour * 40)}`,
        title: ['red shoe', 'blue lamp', `desk ${hour}`][random.int(3)],
      },
      slices: { country: ['de', 'fr'][random.int(2)] },
      prediction: random.chance(0.6) ? 'a' : 'b',
      scores: { a: random.next(), b: random.next() },
    });
  }
  const rows = [...deltas.cells.values()].map(({ key, profile }) => ({
    bucket: key.bucket,
    model_version: key.modelVersion,
    slice_key: key.sliceKey,
    slice_value: key.sliceValue,
    feature: key.feature,
    profile: encodeProfile(profile),
  }));
  const order = (r: (typeof rows)[number]) => [r.model_version, r.slice_key, r.slice_value, r.feature].join('\u0001');
  return rows.sort((a, b) => a.bucket - b.bucket || (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}

const snapshot = (fold: ReturnType<typeof emptyFold>) =>
  JSON.stringify({ cells: cellsOf(fold).map((c) => ({ ...c, features: [...c.features] })), versions: [...fold.versions] });

describe('folding a window of hour profiles', () => {
  const rows = storedHours(6);
  const hourByHour = sliceCells(rows);

  it('keeps the capped tallies of the log, so the merge order matters', () => {
    const whole = hourByHour.find((c) => c.key === '*')!;
    expect(whole.features.get('sku')!.cat!.capped).toBe(true);
    expect(whole.predictions!.n).toBe(2400);
  });

  it('gives what folding every hour in order gives, whatever the split between kept and current hours', () => {
    const expected = JSON.stringify(hourByHour.map((c) => ({ ...c, features: [...c.features] })));
    for (let split = 0; split <= 6; split++) {
      const kept = foldRows(
        emptyFold(),
        rows.filter((r) => r.bucket < split * HOUR_MS),
      );
      const keptBefore = snapshot(kept);
      const window = foldRows(
        extendFold(kept),
        rows.filter((r) => r.bucket >= split * HOUR_MS),
      );
      expect(JSON.stringify(cellsOf(window).map((c) => ({ ...c, features: [...c.features] }))), `split at hour ${split}`).toBe(
        expected,
      );
      // Folding the current hours onto the kept fold leaves the kept fold as it was.
      expect(snapshot(kept), `split at hour ${split}`).toBe(keptBefore);
    }
  });

  it('keeps each version’s whole-model predictions, as folding only that version’s rows gives', () => {
    const fold = foldRows(extendFold(foldRows(emptyFold(), rows.slice(0, 100))), rows.slice(100));
    expect([...fold.versions.keys()].sort()).toEqual(['v1', 'v2']);
    for (const version of ['v1', 'v2']) {
      const only = sliceCells(rows.filter((r) => r.model_version === version && r.slice_key === '*'));
      expect(fold.versions.get(version)).toEqual(only[0].predictions);
    }
    expect(fold.versions.get('v1')!.n + fold.versions.get('v2')!.n).toBe(2400);
  });
});
