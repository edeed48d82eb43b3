import type { FeatureSpec } from '../models/model-settings.js';
import { coordinatesOf } from '../slices/cells.js';
import { bucketOf } from '../slices/window.js';
import {
  emptyFeatureProfile,
  emptyPredictionProfile,
  type FeatureProfile,
  mergeFeatureProfile,
  mergePredictionProfile,
  observe,
  observePrediction,
  type PredictionProfile,
  PREDICTIONS,
} from './profile.js';

export const PROFILE_GRAINS = ['hour', 'day'] as const;
export type ProfileGrain = (typeof PROFILE_GRAINS)[number];

export interface ProfileCellKey {
  grain: ProfileGrain | 'all';
  bucket: number;
  modelVersion: string;
  sliceKey: string;
  sliceValue: string;
  feature: string;
}

export type AnyProfile = FeatureProfile | PredictionProfile;

export interface ProfiledRow {
  modelVersion: string;
  ts: number;
  features: Record<string, unknown>;
  slices: Record<string, string>;
  prediction: string | null;
  scores: Record<string, number> | null;
}

export interface ProfilerContext {
  schema: Record<string, FeatureSpec> | null;
  crosses: readonly (readonly [string, string])[];
  /** Live profiles go to hour and day buckets; a baseline from rows to one timeless cell. */
  grains: readonly (ProfileGrain | 'all')[];
}

export const cellKeyId = (k: ProfileCellKey) =>
  [k.grain, k.bucket, k.modelVersion, k.sliceKey, k.sliceValue, k.feature].join('\u0001');

/**
 * Profiles of a set of rows, by cell: what a chunk of the log adds to the stored profiles. Each row
 * is observed once, into the finest cell (its hour, version and every slice value); the coarser
 * cells (each slice key, crosses, the whole model, days) are merged from those, which costs per
 * cell instead of per row.
 */
export class ProfileDeltas {
  private readonly fine = new Map<
    string,
    { ts: number; modelVersion: string; slices: Record<string, string>; profiles: Map<string, AnyProfile> }
  >();
  private rolled: Map<string, { key: ProfileCellKey; profile: AnyProfile }> | null = null;

  constructor(private readonly context: ProfilerContext) {}

  add(row: ProfiledRow): void {
    const { schema, grains } = this.context;
    this.rolled = null;
    const finest = grains.includes('hour') ? 'hour' : grains[0];
    const ts = finest === 'all' ? 0 : bucketOf(row.ts, finest);
    const sliceKeys = Object.keys(row.slices).sort();
    const id = [ts, row.modelVersion, ...sliceKeys.flatMap((k) => [k, row.slices[k]])].join('\u0001');
    let cell = this.fine.get(id);
    if (!cell) this.fine.set(id, (cell = { ts, modelVersion: row.modelVersion, slices: row.slices, profiles: new Map() }));
    let predictions = cell.profiles.get(PREDICTIONS) as PredictionProfile | undefined;
    if (!predictions) cell.profiles.set(PREDICTIONS, (predictions = emptyPredictionProfile()));
    if (row.prediction !== null) observePrediction(predictions, row.prediction, row.scores ?? {});
    else predictions.n++;
    const observeOne = (name: string) => {
      if (name === PREDICTIONS) return;
      let p = cell.profiles.get(name) as FeatureProfile | undefined;
      if (!p) cell.profiles.set(name, (p = emptyFeatureProfile()));
      observe(p, row.features[name], schema?.[name]);
    };
    for (const name in row.features) observeOne(name);
    for (const name in schema ?? {}) if (!(name in row.features)) observeOne(name);
  }

  /** Every cell the rows touch, with what they add to it. */
  get cells(): Map<string, { key: ProfileCellKey; profile: AnyProfile }> {
    if (this.rolled) return this.rolled;
    const out = new Map<string, { key: ProfileCellKey; profile: AnyProfile }>();
    const { crosses, grains } = this.context;
    for (const cell of this.fine.values()) {
      for (const { key, value } of coordinatesOf(cell.slices, crosses)) {
        for (const grain of grains) {
          const bucket = grain === 'all' ? 0 : bucketOf(cell.ts, grain);
          for (const [feature, profile] of cell.profiles) {
            const k: ProfileCellKey = {
              grain,
              bucket,
              modelVersion: cell.modelVersion,
              sliceKey: key,
              sliceValue: value,
              feature,
            };
            const id = cellKeyId(k);
            const entry = out.get(id);
            if (entry) mergeProfiles(feature, entry.profile, profile);
            else out.set(id, { key: k, profile: mergeProfiles(feature, emptyLike(feature), profile) });
          }
        }
      }
    }
    this.rolled = out;
    return out;
  }
}

const emptyLike = (feature: string): AnyProfile => (feature === PREDICTIONS ? emptyPredictionProfile() : emptyFeatureProfile());

/** Adds `delta` to a stored profile of the same feature (null when the cell is new). */
export function mergeProfiles(feature: string, stored: AnyProfile | null, delta: AnyProfile): AnyProfile {
  if (!stored) return delta;
  if (feature === PREDICTIONS) mergePredictionProfile(stored as PredictionProfile, delta as PredictionProfile);
  else mergeFeatureProfile(stored as FeatureProfile, delta as FeatureProfile);
  return stored;
}

/** The row count a profile stands for: rows of a prediction profile, observed values of a feature. */
export function profileRows(feature: string, p: AnyProfile): number {
  return feature === PREDICTIONS ? (p as PredictionProfile).n : (p as FeatureProfile).present + (p as FeatureProfile).nulls;
}

/** JSON of a profile (an empty sketch's infinite min and max become null there). */
export function encodeProfile(p: AnyProfile): string {
  return JSON.stringify(p);
}

export function decodeProfile(feature: string, json: string): AnyProfile {
  const p = JSON.parse(json) as AnyProfile;
  if (feature === PREDICTIONS) return p;
  const f = p as FeatureProfile;
  for (const s of [f.num, f.text?.chars, f.text?.tokens]) {
    if (!s) continue;
    s.min ??= Infinity;
    s.max ??= -Infinity;
  }
  return f;
}
