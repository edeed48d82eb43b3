/**
 * Isotonic calibration (pool adjacent violators) and confidence-based performance estimation
 * (NannyML's CBPE for accuracy): checked against sklearn in calibration.spec.ts.
 */

/** A non-decreasing step function through (x, y) points, read by linear interpolation, clipped at the ends. */
export interface Isotonic {
  x: number[];
  y: number[];
}

/** sklearn IsotonicRegression(out_of_bounds="clip").fit(x, y, sample_weight). */
export function fitIsotonic(xs: readonly number[], ys: readonly number[], weights?: readonly number[]): Isotonic {
  const order = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b]);
  // Ties in x become one point with the weighted mean of their y (as sklearn does before PAV).
  const px: number[] = [];
  const py: number[] = [];
  const pw: number[] = [];
  for (const i of order) {
    const w = weights?.[i] ?? 1;
    const last = px.length - 1;
    if (last >= 0 && px[last] === xs[i]) {
      py[last] = (py[last] * pw[last] + ys[i] * w) / (pw[last] + w);
      pw[last] += w;
    } else {
      px.push(xs[i]);
      py.push(ys[i]);
      pw.push(w);
    }
  }
  // PAV: blocks of (value, weight, length), merged while a block is below the one before it.
  const value: number[] = [];
  const weight: number[] = [];
  const length: number[] = [];
  for (let i = 0; i < px.length; i++) {
    value.push(py[i]);
    weight.push(pw[i]);
    length.push(1);
    while (value.length > 1 && value[value.length - 2] >= value[value.length - 1]) {
      const w = weight[weight.length - 2] + weight[weight.length - 1];
      const v = (value[value.length - 2] * weight[weight.length - 2] + value[value.length - 1] * weight[weight.length - 1]) / w;
      const l = length[length.length - 2] + length[length.length - 1];
      value.splice(-2, 2, v);
      weight.splice(-2, 2, w);
      length.splice(-2, 2, l);
    }
  }
  const y: number[] = [];
  value.forEach((v, b) => {
    for (let k = 0; k < length[b]; k++) y.push(v);
  });
  return { x: px, y };
}

export function predictIsotonic(f: Isotonic, x: number): number {
  const n = f.x.length;
  if (n === 0) return x;
  if (x <= f.x[0]) return f.y[0];
  if (x >= f.x[n - 1]) return f.y[n - 1];
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (f.x[mid] <= x) lo = mid;
    else hi = mid;
  }
  const t = (x - f.x[lo]) / (f.x[hi] - f.x[lo]);
  return f.y[lo] + t * (f.y[hi] - f.y[lo]);
}

/** Expected calibration error over equal-width bins of the score: Σ (n_b / n) |mean(y) − mean(score)|. */
export function expectedCalibrationError(scores: readonly number[], outcomes: readonly number[], bins = 10): number {
  const n = scores.length;
  if (n === 0) return 0;
  const sumS = new Array<number>(bins).fill(0);
  const sumY = new Array<number>(bins).fill(0);
  const count = new Array<number>(bins).fill(0);
  for (let i = 0; i < n; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(scores[i] * bins)));
    sumS[b] += scores[i];
    sumY[b] += outcomes[i];
    count[b]++;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) if (count[b] > 0) ece += Math.abs(sumY[b] - sumS[b]) / n;
  return ece;
}

export interface CalibrationChoice {
  calibrator: Isotonic | null;
  eceBefore: number;
  eceAfter: number;
}

/**
 * Fits isotonic calibration of "the prediction was right" on the predicted class's score and keeps
 * it only where it lowers the calibration error out of sample: two-fold cross-fitting (even and odd
 * rows) estimates the error after calibration; the kept calibrator is then fitted on all rows.
 */
export function chooseCalibration(scores: readonly number[], correct: readonly number[]): CalibrationChoice {
  const eceBefore = expectedCalibrationError(scores, correct);
  const folds = [0, 1].map((f) => scores.map((_, i) => i).filter((i) => i % 2 === f));
  const calibrated: number[] = [];
  const outcomes: number[] = [];
  for (const [fit, test] of [
    [folds[0], folds[1]],
    [folds[1], folds[0]],
  ]) {
    const model = fitIsotonic(
      fit.map((i) => scores[i]),
      fit.map((i) => correct[i]),
    );
    for (const i of test) {
      calibrated.push(predictIsotonic(model, scores[i]));
      outcomes.push(correct[i]);
    }
  }
  const eceAfter = expectedCalibrationError(calibrated, outcomes);
  return { calibrator: eceAfter < eceBefore ? fitIsotonic(scores, correct) : null, eceBefore, eceAfter };
}

export interface AccuracyEstimate {
  n: number;
  estimatedAccuracy: number | null;
  ci: [number, number] | null;
  /** Why there is no estimate: too few predictions in the chunk. */
  notEstimable: 'too_small' | null;
}

export const MIN_ESTIMABLE = 30;

/**
 * CBPE for accuracy: each prediction is right with its (calibrated) confidence p, so the chunk's
 * expected accuracy is mean(p); the interval treats the correct count as a sum of independent
 * Bernoulli(p) (a Poisson binomial) with a normal approximation at 95 %.
 */
export function expectedAccuracy(confidences: Iterable<{ p: number; weight: number }>): AccuracyEstimate {
  let n = 0;
  let sum = 0;
  let variance = 0;
  for (const { p, weight } of confidences) {
    n += weight;
    sum += p * weight;
    variance += p * (1 - p) * weight;
  }
  if (n < MIN_ESTIMABLE) return { n, estimatedAccuracy: null, ci: null, notEstimable: 'too_small' };
  const est = sum / n;
  const half = (1.959964 * Math.sqrt(variance)) / n;
  return { n, estimatedAccuracy: est, ci: [Math.max(0, est - half), Math.min(1, est + half)], notEstimable: null };
}
