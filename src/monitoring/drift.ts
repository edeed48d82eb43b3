import type { FeatureSpec } from '../models/model-settings.js';
import { OVERALL } from '../slices/cells.js';
import { type FeatureProfile, observedType, type PredictionProfile } from './profile.js';
import { CATEGORY_CAP, type CategoryTally, distinctBuckets, points, quantile, std, tallyTotal } from './sketch.js';
import { benjaminiHochberg, chiSquared, jensenShannon, psi, wasserstein, wassersteinAndKs } from './statistics.js';

/** Evidently's defaults: the sample size above which distances replace tests, and their thresholds. */
export const DRIFT_DEFAULTS = {
  largeSample: 1000,
  fewValues: 5,
  distanceThreshold: 0.1,
  pValue: 0.05,
  psiThreshold: 0.2,
  oovThreshold: 0.1,
  /** Below these counts a cell gets no verdict. */
  minCurrent: 30,
  minBaseline: 30,
} as const;

export type DriftMetric = 'wasserstein_norm' | 'jensenshannon' | 'ks' | 'chisquare' | 'psi' | 'oov_rate';
export type LikelyCause =
  'missing_upstream_feature' | 'type_change' | 'unit_change' | 'new_category' | 'vocabulary_shift' | 'distribution_shift';

export interface SliceCell {
  key: string;
  value: string;
  rows: number;
  features: Map<string, FeatureProfile>;
  predictions: PredictionProfile | null;
}

export interface FeatureDrift {
  feature: string;
  slice: { key: string; value: string } | null;
  type: 'number' | 'category' | 'text' | 'none';
  typeChanged: boolean;
  metric: DriftMetric | null;
  value: number | null;
  threshold: number | null;
  /** For the tests: the Benjamini-Hochberg adjusted p-value across every tested cell. */
  pAdjusted?: number;
  drifted: boolean | null;
  n: number;
  nBaseline: number;
  missingRate: number | null;
  baselineMissingRate: number | null;
  violations: { outOfRange: number; unknownCategory: number; wrongType: number; missing: number };
  oovRate?: number | null;
  newCategories?: string[];
  categoriesCapped?: boolean;
  /** When capped: how many values each profile keeps (the rest are counted together as "other"). */
  categoryCap?: number;
  likelyCause: LikelyCause | null;
  /**
   * The share of the distribution that moved, comparable across metrics (KS statistic for numbers,
   * total variation distance for categories, the change in missing or OOV share): what the table sorts by.
   */
  severity: number;
}

export interface DriftOptions {
  schema: Record<string, FeatureSpec> | null;
  /** "psi" asks for PSI on every cell instead of the defaults. */
  metric?: 'psi' | null;
}

/** The cause a tested cell has if the multiple-testing correction keeps it. */
const candidates = new WeakMap<FeatureDrift, LikelyCause>();

/** Compares every (feature × slice) cell of the window with the baseline's same cell. */
export function featureDrift(current: SliceCell[], baseline: SliceCell[], options: DriftOptions): FeatureDrift[] {
  const baseById = new Map(baseline.map((c) => [`${c.key}\u0001${c.value}`, c]));
  const out: FeatureDrift[] = [];
  for (const cell of current) {
    const base = baseById.get(`${cell.key}\u0001${cell.value}`);
    const names = new Set([...cell.features.keys(), ...(base?.features.keys() ?? [])]);
    for (const feature of names) out.push(compare(feature, cell, base ?? null, options));
  }
  const tested = out.filter((d) => d.metric === 'ks' || d.metric === 'chisquare');
  const adjusted = benjaminiHochberg(tested.map((d) => d.value ?? 1));
  tested.forEach((d, i) => {
    d.pAdjusted = adjusted[i];
    d.drifted = adjusted[i] < DRIFT_DEFAULTS.pValue;
    if (d.drifted) d.likelyCause ??= candidates.get(d) ?? 'distribution_shift';
  });
  return out.sort((a, b) => Number(b.drifted === true) - Number(a.drifted === true) || b.severity - a.severity);
}

function compare(feature: string, cell: SliceCell, base: SliceCell | null, options: DriftOptions): FeatureDrift {
  const cur = cell.features.get(feature) ?? null;
  const ref = base?.features.get(feature) ?? null;
  const spec = options.schema?.[feature];
  const n = cell.rows;
  const nBaseline = base?.rows ?? 0;
  const missing = n - (cur?.present ?? 0);
  const type = observedType(ref ?? cur ?? emptyLike());
  const curType = cur ? observedType(cur) : 'none';
  const d: FeatureDrift = {
    feature,
    slice: cell.key === OVERALL ? null : { key: cell.key, value: cell.value },
    type,
    typeChanged: ref !== null && cur !== null && curType !== 'none' && type !== 'none' && curType !== type,
    metric: null,
    value: null,
    threshold: null,
    drifted: null,
    n,
    nBaseline,
    missingRate: n > 0 ? missing / n : null,
    baselineMissingRate: nBaseline > 0 ? (nBaseline - (ref?.present ?? 0)) / nBaseline : null,
    violations: {
      outOfRange: cur?.violations.outOfRange ?? 0,
      unknownCategory: cur?.violations.unknownCategory ?? 0,
      wrongType: cur?.violations.wrongType ?? 0,
      missing: spec?.required ? missing : 0,
    },
    likelyCause: null,
    severity: 0,
  };
  if (type === 'text') d.oovRate = cur?.text && ref?.text ? oovShare(cur.text.vocab, ref.text.vocab) : null;
  if (type === 'category' && cur?.cat) {
    d.newCategories = ref?.cat
      ? Object.keys(cur.cat.counts)
          .filter((v) => ref.cat!.counts[v] === undefined)
          .slice(0, 5)
      : [];
    d.categoriesCapped = cur.cat.capped || (ref?.cat?.capped ?? false);
    if (d.categoriesCapped) d.categoryCap = CATEGORY_CAP;
  }
  if (n < DRIFT_DEFAULTS.minCurrent || nBaseline < DRIFT_DEFAULTS.minBaseline) return d;
  if (d.missingRate! - d.baselineMissingRate! > 0.2) {
    d.likelyCause = 'missing_upstream_feature';
    d.drifted = true;
    d.metric = 'jensenshannon';
    d.value = jensenShannon([missing, n - missing], [nBaseline - (ref?.present ?? 0), ref?.present ?? 0]);
    d.threshold = DRIFT_DEFAULTS.distanceThreshold;
    d.severity = Math.abs(d.missingRate! - d.baselineMissingRate!);
    return d;
  }
  if (!cur || !ref) return d;
  if (d.typeChanged) {
    d.likelyCause = 'type_change';
    d.drifted = true;
    d.severity = 1;
    return d;
  }
  measure(d, cur, ref, options.metric ?? null);
  return d;
}

function measure(d: FeatureDrift, cur: FeatureProfile, ref: FeatureProfile, requested: 'psi' | null): void {
  const { largeSample, fewValues, distanceThreshold } = DRIFT_DEFAULTS;
  const distance = (metric: DriftMetric, value: number, threshold: number = distanceThreshold) => {
    d.metric = metric;
    d.value = value;
    d.threshold = threshold;
    d.drifted = value >= threshold;
  };
  const test = (metric: DriftMetric, pValue: number) => {
    d.metric = metric;
    d.value = pValue;
    d.threshold = DRIFT_DEFAULTS.pValue;
  };
  if (d.type === 'text' && cur.text && ref.text) {
    const refTokens = tallyTotal(ref.text.vocab);
    const baseOov = refTokens > 0 ? ref.text.vocab.other / refTokens : 0;
    if (d.oovRate !== null && d.oovRate !== undefined) {
      distance('oov_rate', Math.max(0, d.oovRate - baseOov), DRIFT_DEFAULTS.oovThreshold);
      d.severity = d.value!;
      if (d.drifted) d.likelyCause = 'vocabulary_shift';
      return;
    }
    const a = points(ref.text.tokens);
    const b = points(cur.text.tokens);
    const s = std(ref.text.tokens) ?? 0;
    const both = wassersteinAndKs(a, b);
    distance('wasserstein_norm', both.wasserstein / Math.max(s, 1e-3));
    d.severity = both.ks.statistic;
    if (d.drifted) d.likelyCause = 'vocabulary_shift';
    return;
  }
  if (d.type === 'number' && cur.num && ref.num) {
    const a = points(ref.num);
    const b = points(cur.num);
    let categories: number[] | null = null;
    const countsOf = (p: { values: number[]; weights: number[] }) => {
      categories ??= [...new Set([...a.values, ...b.values])].sort((x, y) => x - y);
      const m = new Map(p.values.map((v, i) => [v, p.weights[i]]));
      return categories!.map((v) => m.get(v) ?? 0);
    };
    const both = wassersteinAndKs(a, b);
    if (requested === 'psi') distance('psi', psi(countsOf(a), countsOf(b)), DRIFT_DEFAULTS.psiThreshold);
    else if (ref.num.count > largeSample && distinctBuckets(ref.num) > fewValues)
      distance('wasserstein_norm', both.wasserstein / Math.max(std(ref.num) ?? 0, 1e-9));
    else if (ref.num.count > largeSample) distance('jensenshannon', jensenShannon(countsOf(a), countsOf(b)));
    else if (distinctBuckets(ref.num) > fewValues) test('ks', both.ks.pValue);
    else test('chisquare', chiSquared(countsOf(a), countsOf(b)).pValue);
    d.severity = both.ks.statistic;
    const ratio = (quantile(cur.num, 0.5, b) ?? 0) / (quantile(ref.num, 0.5, a) || Number.NaN);
    const cause = ratio >= 5 || (ratio > 0 && ratio <= 0.2) ? 'unit_change' : 'distribution_shift';
    if (d.drifted) d.likelyCause = cause;
    else candidates.set(d, cause);
    return;
  }
  if (cur.cat && ref.cat) {
    const values = [...new Set([...Object.keys(ref.cat.counts), ...Object.keys(cur.cat.counts)])].sort();
    const a = [...values.map((v) => ref.cat!.counts[v] ?? 0), ref.cat.other];
    const b = [...values.map((v) => cur.cat!.counts[v] ?? 0), cur.cat.other];
    if (requested === 'psi') distance('psi', psi(a, b), DRIFT_DEFAULTS.psiThreshold);
    else if (tallyTotal(ref.cat) > largeSample) distance('jensenshannon', jensenShannon(a, b));
    else test('chisquare', chiSquared(a, b).pValue);
    d.severity = totalVariation(a, b);
    const newShare = (d.newCategories ?? []).reduce((s, v) => s + cur.cat!.counts[v], 0) / Math.max(1, tallyTotal(cur.cat));
    if (d.drifted) d.likelyCause = newShare > 0.1 ? 'new_category' : 'distribution_shift';
    else if (d.drifted === null && newShare > 0.1) d.likelyCause = 'new_category';
  }
}

/**
 * The share of the window's tokens outside the baseline's vocabulary (its kept tokens), read at
 * request time, so any baseline can be asked for. Exact while the window's token tally holds every
 * token it saw; past its cap the rarest tokens are in `other` and count as outside, as the
 * baseline's own `other` does in its reference share. null without tokens.
 */
export function oovShare(window: CategoryTally, baseline: CategoryTally): number | null {
  const total = tallyTotal(window);
  if (total === 0) return null;
  let outside = window.other;
  for (const [token, n] of Object.entries(window.counts)) if (baseline.counts[token] === undefined) outside += n;
  return outside / total;
}

function totalVariation(a: number[], b: number[]): number {
  const sa = a.reduce((x, y) => x + y, 0) || 1;
  const sb = b.reduce((x, y) => x + y, 0) || 1;
  return a.reduce((sum, v, i) => sum + Math.abs(v / sa - b[i] / sb), 0) / 2;
}

function emptyLike(): FeatureProfile {
  return {
    present: 0,
    nulls: 0,
    types: { number: 0, string: 0, boolean: 0 },
    violations: { outOfRange: 0, unknownCategory: 0, wrongType: 0 },
    num: null,
    cat: null,
    text: null,
  };
}

export interface PredictionDrift {
  metric: 'jensenshannon';
  value: number | null;
  threshold: number;
  drifted: boolean | null;
  n: number;
  nBaseline: number;
  classShares: Record<string, number>;
  baselineClassShares: Record<string, number>;
  /** Wasserstein distance between the predicted class's score distributions (binned). */
  scoreDistance: number | null;
}

/** Predicted-class shares and score distributions of the window against the baseline. */
export function predictionDrift(
  current: PredictionProfile | null,
  baseline: PredictionProfile | null,
  classes: string[],
): PredictionDrift {
  const n = current?.n ?? 0;
  const nBaseline = baseline?.n ?? 0;
  const all = [...new Set([...classes, ...Object.keys(current?.classes ?? {}), ...Object.keys(baseline?.classes ?? {})])];
  const sharesOf = (p: PredictionProfile | null) =>
    Object.fromEntries(all.map((c) => [c, p && p.n > 0 ? (p.classes[c] ?? 0) / p.n : 0]));
  const out: PredictionDrift = {
    metric: 'jensenshannon',
    value: null,
    threshold: DRIFT_DEFAULTS.distanceThreshold,
    drifted: null,
    n,
    nBaseline,
    classShares: sharesOf(current),
    baselineClassShares: sharesOf(baseline),
    scoreDistance: null,
  };
  if (!current || !baseline || n < DRIFT_DEFAULTS.minCurrent || nBaseline < DRIFT_DEFAULTS.minBaseline) return out;
  out.value = jensenShannon(
    all.map((c) => baseline.classes[c] ?? 0),
    all.map((c) => current.classes[c] ?? 0),
  );
  out.drifted = out.value >= out.threshold;
  const binned = (p: PredictionProfile) => {
    const weights = new Array<number>(50).fill(0);
    for (const bins of Object.values(p.confidence)) bins.forEach((v, i) => (weights[i] += v));
    return { values: weights.map((_, i) => (i + 0.5) / weights.length), weights };
  };
  out.scoreDistance = wasserstein(binned(baseline), binned(current));
  return out;
}
