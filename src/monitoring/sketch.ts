/**
 * A mergeable sketch of a numeric distribution: log-spaced buckets with a relative accuracy of 1 %
 * (the DDSketch layout), so live profiles need no bins from a baseline that may not exist yet, and
 * two sketches merge by adding bucket counts. Moments and extremes are kept exactly.
 */
export interface NumericSketch {
  count: number;
  sum: number;
  sumSq: number;
  min: number;
  max: number;
  zero: number;
  /** Bucket index -> count, for positive and for negative values (by magnitude). */
  pos: Record<string, number>;
  neg: Record<string, number>;
}

export const RELATIVE_ACCURACY = 0.01;
const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);
/** Magnitudes below this count as zero. */
const MIN_MAGNITUDE = 1e-9;

export function emptySketch(): NumericSketch {
  return { count: 0, sum: 0, sumSq: 0, min: Infinity, max: -Infinity, zero: 0, pos: {}, neg: {} };
}

export function addValue(s: NumericSketch, v: number, weight = 1): void {
  s.count += weight;
  s.sum += v * weight;
  s.sumSq += v * v * weight;
  if (v < s.min) s.min = v;
  if (v > s.max) s.max = v;
  const magnitude = Math.abs(v);
  if (magnitude < MIN_MAGNITUDE) {
    s.zero += weight;
    return;
  }
  const index = String(Math.ceil(Math.log(magnitude) / LOG_GAMMA));
  const side = v > 0 ? s.pos : s.neg;
  side[index] = (side[index] ?? 0) + weight;
}

export function mergeSketch(into: NumericSketch, other: NumericSketch): void {
  into.count += other.count;
  into.sum += other.sum;
  into.sumSq += other.sumSq;
  into.min = Math.min(into.min, other.min);
  into.max = Math.max(into.max, other.max);
  into.zero += other.zero;
  for (const [k, n] of Object.entries(other.pos)) into.pos[k] = (into.pos[k] ?? 0) + n;
  for (const [k, n] of Object.entries(other.neg)) into.neg[k] = (into.neg[k] ?? 0) + n;
}

export function mean(s: NumericSketch): number | null {
  return s.count === 0 ? null : s.sum / s.count;
}

/** Population standard deviation (what Evidently divides the Wasserstein distance by is numpy's std, ddof 0). */
export function std(s: NumericSketch): number | null {
  if (s.count === 0) return null;
  const m = s.sum / s.count;
  return Math.sqrt(Math.max(0, s.sumSq / s.count - m * m));
}

/**
 * points() of the sketches asked for, while their count stays what it was (every change to a sketch
 * changes its count): the sketches of kept window folds and baselines are read on every drift request.
 */
const pointsOf = new WeakMap<NumericSketch, { count: number; values: number[]; weights: number[] }>();

/** Each bucket as a representative value and a weight, ascending; values are clamped to [min, max]. Read-only: the arrays are shared. */
export function points(s: NumericSketch): { values: number[]; weights: number[] } {
  const kept = pointsOf.get(s);
  if (kept?.count === s.count) return kept;
  const computed = { count: s.count, ...pointsNow(s) };
  pointsOf.set(s, computed);
  return computed;
}

function pointsNow(s: NumericSketch): { values: number[]; weights: number[] } {
  const out: [number, number][] = [];
  const rep = (index: number) => (2 * GAMMA ** index) / (GAMMA + 1);
  for (const [k, n] of Object.entries(s.neg)) out.push([-rep(Number(k)), n]);
  if (s.zero > 0) out.push([0, s.zero]);
  for (const [k, n] of Object.entries(s.pos)) out.push([rep(Number(k)), n]);
  out.sort((a, b) => a[0] - b[0]);
  return {
    values: out.map(([v]) => Math.min(s.max, Math.max(s.min, v))),
    weights: out.map(([, n]) => n),
  };
}

/** The q-quantile (0..1) within the sketch's relative accuracy; null when empty. `of` is the sketch's points(), when the caller has them. */
export function quantile(s: NumericSketch, q: number, of: { values: number[]; weights: number[] } = points(s)): number | null {
  if (s.count === 0) return null;
  const { values, weights } = of;
  const rank = q * (s.count - 1);
  let seen = 0;
  for (let i = 0; i < values.length; i++) {
    seen += weights[i];
    if (seen > rank) return values[i];
  }
  return values[values.length - 1];
}

/** Counts per bin for the given ascending edges (values outside go to the first or last bin). */
export function histogram(s: NumericSketch, edges: readonly number[]): number[] {
  const bins = new Array<number>(Math.max(1, edges.length - 1)).fill(0);
  const { values, weights } = points(s);
  for (let i = 0; i < values.length; i++) {
    let b = 0;
    while (b < bins.length - 1 && values[i] >= edges[b + 1]) b++;
    bins[b] += weights[i];
  }
  return bins;
}

/** Equal-width edges over [lo, hi] (one bin of width 1 when lo = hi). */
export function equalWidthEdges(lo: number, hi: number, bins: number): number[] {
  if (!(hi > lo)) return [lo - 0.5, lo + 0.5];
  return Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
}

/** How many distinct buckets hold values: the sketch's stand-in for the number of unique values. */
export function distinctBuckets(s: NumericSketch): number {
  return Object.keys(s.pos).length + Object.keys(s.neg).length + (s.zero > 0 ? 1 : 0);
}

/**
 * Counts of the most common values and the rest. Kept to `cap` values: a value not kept when the
 * cap is reached goes to `other`, and `capped` says the tally is no longer complete.
 */
export interface CategoryTally {
  counts: Record<string, number>;
  other: number;
  capped: boolean;
}

export const CATEGORY_CAP = 100;

export function emptyTally(): CategoryTally {
  return { counts: {}, other: 0, capped: false };
}

export function addCategory(t: CategoryTally, value: string, cap = CATEGORY_CAP, weight = 1): void {
  if (t.counts[value] !== undefined) t.counts[value] += weight;
  else if (Object.keys(t.counts).length < cap) t.counts[value] = weight;
  else {
    t.other += weight;
    t.capped = true;
  }
}

/** Merges, then keeps the `cap` largest counts and moves the rest to other. */
export function mergeTally(into: CategoryTally, other: CategoryTally, cap = CATEGORY_CAP): void {
  for (const [v, n] of Object.entries(other.counts)) into.counts[v] = (into.counts[v] ?? 0) + n;
  into.other += other.other;
  into.capped ||= other.capped;
  const entries = Object.entries(into.counts);
  if (entries.length <= cap) return;
  entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  into.counts = Object.fromEntries(entries.slice(0, cap));
  for (const [, n] of entries.slice(cap)) into.other += n;
  into.capped = true;
}

export function tallyTotal(t: CategoryTally): number {
  let total = t.other;
  for (const n of Object.values(t.counts)) total += n;
  return total;
}
