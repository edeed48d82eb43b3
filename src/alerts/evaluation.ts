import { type Counts, flagReason } from '../slices/flagging.js';
import { type Interval, wilson } from '../slices/wilson.js';

export type AlertReason = 'below_min_accuracy' | 'below_rest' | 'drop';

export interface AlertThresholds {
  minAccuracy: number | null;
  /** Largest tolerated fall in accuracy against the baseline window; none when null. */
  maxDrop: number | null;
  minSupport: number;
  minGap?: number;
}

export interface SliceCounts extends Counts {
  key: string;
  value: string;
}

/** A fall in accuracy from the baseline window to the current one: baseline minus current. */
export interface Drop {
  estimate: number;
  /** 95% interval of the fall (Newcombe's hybrid score interval from the two Wilson intervals). */
  ci: Interval;
}

/** A slice whose alert condition holds now. */
export interface Finding {
  key: string;
  value: string;
  reason: AlertReason;
  current: Counts;
  /** The same slice in the baseline window; null when there is none to compare with. */
  baseline: Counts | null;
  drop: Drop | null;
}

export interface EvaluationInput {
  /** The whole model in the current window. */
  overall: Counts;
  /** Each slice in the current window. */
  current: readonly SliceCounts[];
  /** Each slice in the baseline window (the one before the current). */
  baseline: readonly SliceCounts[];
  thresholds: AlertThresholds;
}

export const sliceId = (key: string, value: string) => `${key}\u0000${value}`;

/**
 * The interval of p1 - p2 for two independent proportions, built from their Wilson intervals
 * (Newcombe 1998, method 10): it stays honest for small n and proportions near 0 or 1, as Wilson does.
 */
export function differenceInterval(a: Counts, b: Counts): Drop {
  const p1 = a.correct / a.n;
  const p2 = b.correct / b.n;
  const [l1, u1] = wilson(a.correct, a.n);
  const [l2, u2] = wilson(b.correct, b.n);
  const d = p1 - p2;
  return { estimate: d, ci: [d - Math.hypot(p1 - l1, u2 - p2), d + Math.hypot(u1 - p1, p2 - l2)] };
}

/** The drop from baseline to current when it exceeds maxDrop and its whole interval lies above zero. */
export function significantDrop(current: Counts, baseline: Counts | null, t: AlertThresholds): Drop | null {
  if (t.maxDrop === null || !baseline || current.n < t.minSupport || baseline.n < t.minSupport) return null;
  if (current.n === 0 || baseline.n === 0) return null;
  const drop = differenceInterval(baseline, current);
  return drop.estimate > t.maxDrop && drop.ci[0] > 0 ? drop : null;
}

/**
 * The slices that should be firing: with at least minSupport labels, the 95% interval lies wholly
 * below minAccuracy or wholly below the rest of the model (as the slices page flags them), or the
 * slice fell by more than maxDrop against the baseline window with the fall's interval clear of zero.
 */
export function evaluateSlices(input: EvaluationInput): Finding[] {
  const baselines = new Map(input.baseline.map((s) => [sliceId(s.key, s.value), s]));
  const findings: Finding[] = [];
  for (const slice of input.current) {
    const current = { n: slice.n, correct: slice.correct };
    const base = baselines.get(sliceId(slice.key, slice.value));
    const baseline = base ? { n: base.n, correct: base.correct } : null;
    const flag = flagReason(current, input.overall, input.thresholds);
    const drop = significantDrop(current, baseline, input.thresholds);
    const reason: AlertReason | null = flag ?? (drop ? 'drop' : null);
    if (reason) findings.push({ key: slice.key, value: slice.value, reason, current, baseline, drop });
  }
  return findings;
}

export interface OpenAlert {
  id: string;
  key: string;
  value: string;
}

export interface Reconciliation<A extends OpenAlert> {
  /** Conditions without an open alert: new alerts. */
  fire: Finding[];
  /** Open alerts whose condition still holds: refreshed with the new numbers. */
  keep: { alert: A; finding: Finding }[];
  /** Open alerts whose condition cleared. */
  resolve: A[];
}

/** What to do with the open alerts of a model given what holds now: one open alert per slice. */
export function reconcile<A extends OpenAlert>(open: readonly A[], findings: readonly Finding[]): Reconciliation<A> {
  const bySlice = new Map(findings.map((f) => [sliceId(f.key, f.value), f]));
  const result: Reconciliation<A> = { fire: [], keep: [], resolve: [] };
  const seen = new Set<string>();
  for (const alert of open) {
    const id = sliceId(alert.key, alert.value);
    const finding = bySlice.get(id);
    if (finding && !seen.has(id)) result.keep.push({ alert, finding });
    else result.resolve.push(alert);
    seen.add(id);
  }
  for (const finding of findings) if (!seen.has(sliceId(finding.key, finding.value))) result.fire.push(finding);
  return result;
}

const HOUR_MS = 3_600_000;

/**
 * The current window, [from, now), and the baseline window before it, [baselineFrom, from): each
 * about `length` long, cut on whole hours as the rollups are, so that no hour counts in both.
 */
export function alertWindows(now: number, length: number): { from: number; baselineFrom: number } {
  const from = Math.floor((now - length) / HOUR_MS) * HOUR_MS;
  return { from, baselineFrom: Math.floor((from - length) / HOUR_MS) * HOUR_MS };
}
