import type { Mitigation, Split } from './export-row.js';

/** What the policy needs to know of a row: no features, so the first pass stays light. */
export interface PolicyRow {
  id: string;
  ts: number;
  label: string;
  source: string;
  exposurePolicy: string | null;
  propensity: number | null;
  /** JSON text: read by the first pass of label_quality. */
  slices?: string;
}

export interface SplitParams {
  validation: number;
  by: 'time' | 'random';
  seed: number;
}

export interface PolicyParams {
  mitigation: Mitigation;
  split: SplitParams;
  maxIpsWeight: number;
}

/** Totals of the first pass over the rows, which every weight is relative to. */
export interface PolicyStats {
  rows: number;
  byClass: Record<string, number>;
  modelDriven: number;
  ipsSum: number;
  missingPropensity: number;
}

export function emptyStats(): PolicyStats {
  return { rows: 0, byClass: {}, modelDriven: 0, ipsSum: 0, missingPropensity: 0 };
}

/** A uniform number in [0, 1) from a seed and an id: the same row always falls the same way. */
export function hashUnit(seed: number, id: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

/** A label the model's own decision produced: a direct or implicit label on a model-chosen exposure. */
export function isModelDriven(row: Pick<PolicyRow, 'exposurePolicy' | 'source'>): boolean {
  return row.exposurePolicy === 'model' && (row.source === 'direct' || row.source === 'implicit');
}

/** 1/propensity clipped at max; null when the propensity is missing or not a probability. */
export function rawIpsWeight(propensity: number | null, max: number): number | null {
  if (propensity === null || !(propensity > 0) || propensity > 1) return null;
  return Math.min(1 / propensity, max);
}

/** Pass one: counts what the mitigation needs before any row is written. */
export function accumulate(stats: PolicyStats, row: PolicyRow, params: PolicyParams): void {
  if (params.mitigation === 'downsample_model_driven' && isModelDriven(row)) stats.modelDriven++;
  stats.rows++;
  stats.byClass[row.label] = (stats.byClass[row.label] ?? 0) + 1;
  const ips = rawIpsWeight(row.propensity, params.maxIpsWeight);
  if (ips === null) stats.missingPropensity++;
  stats.ipsSum += ips ?? 1;
}

export interface RowDecision {
  keep: boolean;
  weight: number;
  split: Split;
}

/**
 * Pass two: each row's fate. ips_weights rows without a usable propensity weigh 1 before
 * normalising (and are counted in the manifest); class_balance gives every class the same total
 * weight; downsample_model_driven keeps as many model-driven rows as there are others.
 */
export function rowPolicy(params: PolicyParams, stats: PolicyStats, cutoffTs: number | null): (row: PolicyRow) => RowDecision {
  const others = stats.rows - stats.modelDriven;
  const keepModelDriven = stats.modelDriven === 0 ? 1 : Math.min(1, others / stats.modelDriven);
  const ipsMean = stats.rows === 0 ? 1 : stats.ipsSum / stats.rows;
  const classes = Object.keys(stats.byClass).length;
  return (row) => {
    let keep = true;
    let weight = 1;
    if (params.mitigation === 'ips_weights') {
      weight = (rawIpsWeight(row.propensity, params.maxIpsWeight) ?? 1) / ipsMean;
    } else if (params.mitigation === 'class_balance') {
      weight = stats.rows / (classes * (stats.byClass[row.label] ?? 1));
    } else if (params.mitigation === 'downsample_model_driven' && isModelDriven(row)) {
      keep = hashUnit(params.split.seed ^ 0x5bd1e995, row.id) < keepModelDriven;
    }
    const validation =
      params.split.by === 'time'
        ? cutoffTs !== null && row.ts >= cutoffTs
        : hashUnit(params.split.seed, row.id) < params.split.validation;
    return { keep, weight, split: validation ? 'validation' : 'train' };
  };
}

/** Whether the mitigation needs pass one at all. */
export function needsFirstPass(mitigation: Mitigation): boolean {
  return (
    mitigation === 'ips_weights' ||
    mitigation === 'class_balance' ||
    mitigation === 'downsample_model_driven' ||
    mitigation === 'label_quality'
  );
}
