import type { AlertSettings } from '../models/model-settings.js';
import { wilson } from './wilson.js';

export interface FlagThresholds {
  /** A slice whose whole interval lies below this accuracy is flagged; none when null. */
  minAccuracy: number | null;
  /** Slices with fewer labeled predictions are never flagged: their interval is too wide to act on. */
  minSupport: number;
  /**
   * How far below the rest of the model a slice's whole interval must lie to be flagged: with
   * thousands of labels, a certain but small gap is not worth waking anyone for. Default 0.
   */
  minGap?: number;
}

export type FlagReason = 'below_min_accuracy' | 'below_rest';

/** The flag thresholds in a model's alert settings. */
export function thresholdsOf(alerts: Pick<AlertSettings, 'minAccuracy' | 'minSupport' | 'minGap'>): FlagThresholds {
  return { minAccuracy: alerts.minAccuracy, minSupport: alerts.minSupport, minGap: alerts.minGap };
}

export interface Counts {
  n: number;
  correct: number;
}

/**
 * Why a slice is flagged, or null: with at least minSupport labels, its 95% interval lies wholly
 * below minAccuracy, or wholly below the accuracy of every other row of the model (the overall
 * counts minus the slice's own, so a large slice is not compared with itself) by at least minGap.
 */
export function flagReason(slice: Counts, overall: Counts, thresholds: FlagThresholds): FlagReason | null {
  if (slice.n === 0 || slice.n < thresholds.minSupport) return null;
  const [, upper] = wilson(slice.correct, slice.n);
  if (thresholds.minAccuracy !== null && upper < thresholds.minAccuracy) return 'below_min_accuracy';
  const restN = overall.n - slice.n;
  if (restN > 0 && upper < (overall.correct - slice.correct) / restN - (thresholds.minGap ?? 0)) return 'below_rest';
  return null;
}
