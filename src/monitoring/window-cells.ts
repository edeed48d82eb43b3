import { DAY_MS, HOUR_MS } from '../slices/window.js';
import type { SliceCell } from './drift.js';
import type { FeatureProfile, PredictionProfile } from './profile.js';
import { PREDICTIONS } from './profile.js';
import { type AnyProfile, decodeProfile, mergeProfiles } from './profiler.js';

export const DEFAULT_WINDOW_MS = 24 * HOUR_MS;
/** Windows longer than this read day profiles instead of hour profiles. */
const HOURLY_UP_TO_MS = 3 * DAY_MS;

export interface ProfileWindow {
  from: number;
  to: number;
  grain: 'hour' | 'day';
}

/** The window a request asks for, aligned to the buckets it reads: last 24 hours by default. */
export function resolveWindow(from: number | null, to: number | null, now: number): ProfileWindow {
  const end = to ?? now;
  const start = from ?? end - DEFAULT_WINDOW_MS;
  const grain = end - start > HOURLY_UP_TO_MS ? 'day' : 'hour';
  const size = grain === 'day' ? DAY_MS : HOUR_MS;
  return { from: Math.floor(start / size) * size, to: Math.ceil(end / size) * size, grain };
}

/** Merges stored profile rows (any buckets, any versions) into one cell per slice. */
export function sliceCells(
  rows: Iterable<{ slice_key: string; slice_value: string; feature: string; profile: string }>,
): SliceCell[] {
  const cells = new Map<string, { key: string; value: string; profiles: Map<string, AnyProfile> }>();
  for (const r of rows) {
    const id = `${r.slice_key}\u0001${r.slice_value}`;
    let cell = cells.get(id);
    if (!cell) cells.set(id, (cell = { key: r.slice_key, value: r.slice_value, profiles: new Map() }));
    cell.profiles.set(
      r.feature,
      mergeProfiles(r.feature, cell.profiles.get(r.feature) ?? null, decodeProfile(r.feature, r.profile)),
    );
  }
  return [...cells.values()].map(({ key, value, profiles }) => {
    const predictions = (profiles.get(PREDICTIONS) as PredictionProfile | undefined) ?? null;
    profiles.delete(PREDICTIONS);
    return { key, value, rows: predictions?.n ?? 0, predictions, features: profiles as Map<string, FeatureProfile> };
  });
}
