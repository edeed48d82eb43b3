import { OVERALL } from '../slices/cells.js';
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

export interface StoredRow {
  /** Absent in a baseline's rows. */
  model_version?: string;
  slice_key: string;
  slice_value: string;
  feature: string;
  profile: string;
}

/**
 * Stored profile rows merged one after another, in the order they come: per slice, each feature's
 * profile; per model version, the whole model's prediction profile. Folding the rest of a window's
 * rows into a fold of its first rows gives what folding them all at once gives, to the bit, because
 * the merge runs in the same order (capped tallies and float sums depend on that order).
 */
export interface CellFold {
  slices: Map<string, { key: string; value: string; profiles: Map<string, AnyProfile> }>;
  versions: Map<string, PredictionProfile>;
  /** Profiles this fold shares with another (a cached one): copied before they are merged into. */
  shared: WeakSet<AnyProfile>;
}

export function emptyFold(): CellFold {
  return { slices: new Map(), versions: new Map(), shared: new WeakSet() };
}

/** Folds rows into `fold` (mutated and returned). */
export function foldRows(fold: CellFold, rows: Iterable<StoredRow>): CellFold {
  const into = (stored: AnyProfile | undefined, feature: string, json: string) => {
    const own = stored !== undefined && fold.shared.has(stored) ? structuredClone(stored) : (stored ?? null);
    return mergeProfiles(feature, own, decodeProfile(feature, json));
  };
  for (const r of rows) {
    const id = `${r.slice_key}\u0001${r.slice_value}`;
    let cell = fold.slices.get(id);
    if (!cell) fold.slices.set(id, (cell = { key: r.slice_key, value: r.slice_value, profiles: new Map() }));
    cell.profiles.set(r.feature, into(cell.profiles.get(r.feature), r.feature, r.profile));
    if (r.model_version !== undefined && r.slice_key === OVERALL && r.feature === PREDICTIONS)
      fold.versions.set(r.model_version, into(fold.versions.get(r.model_version), PREDICTIONS, r.profile) as PredictionProfile);
  }
  return fold;
}

/** A fold that reads `fold`'s profiles without changing them: what is merged into it is copied first. */
export function extendFold(fold: CellFold): CellFold {
  const shared = new WeakSet<AnyProfile>();
  const slices = new Map<string, { key: string; value: string; profiles: Map<string, AnyProfile> }>();
  for (const [id, cell] of fold.slices) {
    for (const p of cell.profiles.values()) shared.add(p);
    slices.set(id, { ...cell, profiles: new Map(cell.profiles) });
  }
  for (const p of fold.versions.values()) shared.add(p);
  return { slices, versions: new Map(fold.versions), shared };
}

/** The fold as one cell per slice (its profiles are the fold's: read them, do not change them). */
export function cellsOf(fold: CellFold): SliceCell[] {
  return [...fold.slices.values()].map(({ key, value, profiles }) => {
    const predictions = (profiles.get(PREDICTIONS) as PredictionProfile | undefined) ?? null;
    const features = new Map<string, FeatureProfile>();
    for (const [feature, p] of profiles) if (feature !== PREDICTIONS) features.set(feature, p as FeatureProfile);
    return { key, value, rows: predictions?.n ?? 0, predictions, features };
  });
}

/** Merges stored profile rows (any buckets, any versions) into one cell per slice. */
export function sliceCells(rows: Iterable<StoredRow>): SliceCell[] {
  return cellsOf(foldRows(emptyFold(), rows));
}
