import { describe, expect, it } from 'vitest';
import { HOUR_MS } from '../slices/window.js';
import { ProfileWindows } from './profile-windows.service.js';
import { emptyPredictionProfile, observePrediction, PREDICTIONS } from './profile.js';
import { encodeProfile } from './profiler.js';
import type { ProfilesRepository, StoredProfile } from './profiles.repository.js';
import { cellsOf, sliceCells } from './window-cells.js';

/** Stored whole-model prediction profiles, one per hour, in a fake repository that counts what it reads. */
function fakeRepository(hours: number) {
  const rows: (StoredProfile & { bucket: number; n: number })[] = [];
  const add = (hour: number, n: number) => {
    const p = emptyPredictionProfile();
    for (let i = 0; i < n; i++) observePrediction(p, i % 3 === 0 ? 'b' : 'a', { a: 0.7, b: 0.3 });
    const at = rows.findIndex((r) => r.bucket === hour * HOUR_MS);
    const row = {
      bucket: hour * HOUR_MS,
      model_version: 'v1',
      slice_key: '*',
      slice_value: '*',
      feature: PREDICTIONS,
      n,
      profile: encodeProfile(p),
    };
    if (at >= 0) rows[at] = row;
    else rows.push(row);
    rows.sort((x, y) => x.bucket - y.bucket);
  };
  for (let h = 0; h < hours; h++) add(h, 10 + h);
  const reads: [number, number][] = [];
  const inRange = (from: number, to: number) => rows.filter((r) => r.bucket >= from && r.bucket < to);
  const repository = {
    windowProfiles: (_m: string, _g: string, from: number, to: number) => {
      reads.push([from / HOUR_MS, to / HOUR_MS]);
      return Promise.resolve(inRange(from, to));
    },
    windowStamp: (_m: string, _g: string, from: number, to: number) => {
      const r = inRange(from, to);
      return Promise.resolve(`${r.length}:${r.reduce((s, x) => s + x.n, 0)}`);
    },
  } as unknown as ProfilesRepository;
  return { repository, reads, add, rows };
}

describe('profile windows', () => {
  const window = { from: 0, to: 6 * HOUR_MS, grain: 'hour' as const };
  const now = 5 * HOUR_MS + 1000;

  it('reads the closed hours once while they stay as they were, and the current hour on every read', async () => {
    const { repository, reads, rows } = fakeRepository(6);
    const windows = new ProfileWindows(repository);
    const expected = sliceCells(rows);
    for (let i = 0; i < 3; i++) expect(cellsOf(await windows.fold('m', window, null, now))).toEqual(expected);
    expect(reads).toEqual([
      [0, 5],
      [5, 6],
      [5, 6],
      [5, 6],
    ]);
  });

  it('folds the closed hours again when one of them changes', async () => {
    const { repository, reads, rows, add } = fakeRepository(6);
    const windows = new ProfileWindows(repository);
    await windows.fold('m', window, null, now);
    add(2, 40);
    const after = await windows.fold('m', window, null, now);
    expect(cellsOf(after)).toEqual(sliceCells(rows));
    expect(cellsOf(after)[0].rows).toBe(10 + 11 + 40 + 13 + 14 + 15);
    expect(reads.filter(([from]) => from === 0)).toHaveLength(2);
  });
});
