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
  /** The default baseline's vocabulary per text feature, for the OOV share; none without a baseline. */
  vocabularies: ReadonlyMap<string, ReadonlySet<string>>;
  /** Live profiles go to hour and day buckets; a baseline from rows to one timeless cell. */
  grains: readonly (ProfileGrain | 'all')[];
}

export const cellKeyId = (k: ProfileCellKey) =>
  [k.grain, k.bucket, k.modelVersion, k.sliceKey, k.sliceValue, k.feature].join('\u0001');

/** Profiles of a set of rows, by cell: what a chunk of the log adds to the stored profiles. */
export class ProfileDeltas {
  readonly cells = new Map<string, { key: ProfileCellKey; profile: AnyProfile }>();

  constructor(private readonly context: ProfilerContext) {}

  add(row: ProfiledRow): void {
    const { schema, crosses, vocabularies, grains } = this.context;
    const names = new Set([...Object.keys(schema ?? {}), ...Object.keys(row.features)]);
    names.delete(PREDICTIONS);
    for (const { key, value } of coordinatesOf(row.slices, crosses)) {
      for (const grain of grains) {
        const base = {
          grain,
          bucket: grain === 'all' ? 0 : bucketOf(row.ts, grain),
          modelVersion: row.modelVersion,
          sliceKey: key,
          sliceValue: value,
        };
        const predictions = this.cell({ ...base, feature: PREDICTIONS }, emptyPredictionProfile) as PredictionProfile;
        if (row.prediction !== null) observePrediction(predictions, row.prediction, row.scores ?? {});
        else predictions.n++;
        for (const name of names) {
          const p = this.cell({ ...base, feature: name }, emptyFeatureProfile) as FeatureProfile;
          observe(p, row.features[name], schema?.[name], vocabularies.get(name) ?? null);
        }
      }
    }
  }

  private cell(key: ProfileCellKey, empty: () => AnyProfile): AnyProfile {
    const id = cellKeyId(key);
    let entry = this.cells.get(id);
    if (!entry) {
      entry = { key, profile: empty() };
      this.cells.set(id, entry);
    }
    return entry.profile;
  }
}

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
