import { MIN_ESTIMABLE } from '../../monitoring/calibration.js';
import { count, pct, range } from './format.js';
import { sliceKeyId, sortRows } from './slices-page-order.js';

/** A label-free (CBPE) estimate of one slice or of the whole model, from the monitoring module. */
export interface LabelFreeEstimate {
  n: number;
  estimatedAccuracy: number | null;
  ci: [number, number] | null;
  notEstimable: string | null;
}

/** The label-free estimates of the page's window: every slice that has predictions, labeled or not. */
export interface LabelFreeInput {
  overall: LabelFreeEstimate & { calibrated: boolean };
  slices: (LabelFreeEstimate & { key: string; value: string })[];
}

/** A slice's label-free (CBPE) estimate as the page shows it: the figure with its interval, or why there is none. */
export function labelFreeView(e: LabelFreeEstimate | undefined) {
  const predictions = `${count(e?.n ?? 0)} ${e?.n === 1 ? 'prediction' : 'predictions'}`;
  if (!e || e.n === 0) return { accuracy: null, ci: null, predictions, notEstimable: 'not estimable: no predictions profiled' };
  if (e.estimatedAccuracy === null || e.ci === null)
    return {
      accuracy: null,
      ci: null,
      predictions,
      notEstimable: e.notEstimable === 'too_small' ? `not estimable: ${predictions}, ${MIN_ESTIMABLE} needed` : 'not estimable',
    };
  return { accuracy: pct(e.estimatedAccuracy), ci: range(e.ci), predictions, notEstimable: null };
}

/**
 * Rows of the slices that have predictions in the window but no labels (none in `labeled`), in the
 * declared key order, then by value; slices of keys the model does not declare are left out.
 */
export function unlabeledSliceRows(
  labelFree: LabelFreeInput | null,
  labeled: readonly { key: string; value: string }[],
  keys: readonly string[],
) {
  const known = new Set(labeled.map((s) => sliceKeyId(s.key, s.value)));
  const candidates = (labelFree?.slices ?? [])
    .filter((e) => keys.includes(e.key) && !known.has(sliceKeyId(e.key, e.value)))
    .map((e) => ({ key: e.key, value: e.value, estimate: e, n: 0, accuracy: 0, delta: 0, flagged: false }));
  return sortRows(candidates, { sort: 'slice', dir: 'asc' }, keys).map((e) => ({
    key: e.key,
    value: e.value,
    n: '0',
    accuracy: '–',
    ci: 'no labels yet',
    delta: '–',
    deltaTone: 'level',
    flagged: false,
    flagText: null,
    fewLabels: false,
    estimate: null,
    noEstimate: 'no labels yet',
    biased: false,
    auditNeeded: 0,
    auditNeededText: '0',
    targetHalfWidth: '',
    bar: null,
    labelFree: labelFreeView(e.estimate),
    unlabeled: true,
  }));
}
