import { type Interval, Z95 } from '../slices/wilson.js';

/**
 * Sums over a group of items of Y (the truth) and F (the proxy). For 0/1 values sumY2 = sumY and
 * sumF2 = sumF. Everything below is additive, so a tally can be kept per cell and summed.
 */
export interface Moments {
  n: number;
  sumY: number;
  sumY2: number;
  sumF: number;
  sumF2: number;
  sumYF: number;
}

/** One design stratum: its whole population (every prediction, audited or not) and its audit sample. */
export interface PpiStratum {
  /** Items in the stratum's population, and the sum of the proxy over all of them. */
  population: { n: number; sumF: number };
  /** Moments over the audited items, a uniform random sample of the population without replacement. */
  audit: Moments;
}

export interface PpiOptions {
  /** A fixed lambda (1 is plain PPI, 0 the audit mean alone), or 'tuned' for PPI++'s variance-minimising one. */
  lambda?: number | 'tuned';
  /**
   * Pseudo-pairs (Y=1, F=0) and (Y=0, F=1) added to each stratum's audit when estimating the
   * residual variance (not the point estimate): keeps the interval from collapsing to a point when the
   * audit has seen no disagreement between proxy and truth yet. 0 is the textbook interval.
   */
  pseudoPairs?: number;
  z?: number;
}

export interface PpiResult {
  estimate: number;
  variance: number;
  se: number;
  lambda: number;
  /** estimate +- z se, clipped to [0, 1]. */
  ci: Interval;
  /** Per-unit variance s2 such that variance = (1/n - 1/N) s2 for the pooled design: what planning needs. */
  unitVariance: number;
}

export const EMPTY_MOMENTS: Readonly<Moments> = Object.freeze({ n: 0, sumY: 0, sumY2: 0, sumF: 0, sumF2: 0, sumYF: 0 });

export function addMoments(a: Moments, b: Moments): Moments {
  return {
    n: a.n + b.n,
    sumY: a.sumY + b.sumY,
    sumY2: a.sumY2 + b.sumY2,
    sumF: a.sumF + b.sumF,
    sumF2: a.sumF2 + b.sumF2,
    sumYF: a.sumYF + b.sumYF,
  };
}

/** Sample (n - 1) variance from a count, a sum and a sum of squares; 0 below two items. */
export function sampleVariance(n: number, sum: number, sum2: number): number {
  if (n < 2) return 0;
  return Math.max(0, (sum2 - (sum * sum) / n) / (n - 1));
}

export function sampleCovariance(m: Moments): number {
  if (m.n < 2) return 0;
  return (m.sumYF - (m.sumY * m.sumF) / m.n) / (m.n - 1);
}

/** Sample variance of the rectifier terms Y - lambda F. */
export function residualVariance(m: Moments, lambda: number): number {
  const sum = m.sumY - lambda * m.sumF;
  const sum2 = m.sumY2 - 2 * lambda * m.sumYF + lambda * lambda * m.sumF2;
  return sampleVariance(m.n, sum, sum2);
}

function withPseudoPairs(m: Moments, k: number): Moments {
  if (k === 0) return m;
  return addMoments(m, { n: 2 * k, sumY: k, sumY2: k, sumF: k, sumF2: k, sumYF: 0 });
}

/** Weight of a stratum's variance in the pooled one: (N_h/N)^2 (1/n_h - 1/N_h). */
function designWeight(s: PpiStratum, total: number): number {
  const w = s.population.n / total;
  return w * w * (1 / s.audit.n - 1 / s.population.n);
}

/**
 * PPI++'s lambda for a stratified mean: minimises sum_h a_h Var_h(Y - lambda F), so
 * lambda = sum a_h Cov_h(Y, F) / sum a_h Var_h(F), clipped to [0, 1] as ppi_py's _calc_lam_glm does.
 * The population mean of F is known exactly here, so there is no (1 + n/N) term: this is the
 * survey regression estimator's coefficient.
 */
export function tunedLambda(strata: readonly PpiStratum[]): number {
  const total = strata.reduce((t, s) => t + s.population.n, 0);
  let num = 0;
  let den = 0;
  for (const s of strata) {
    if (s.audit.n < 2) continue;
    const a = designWeight(s, total);
    num += a * sampleCovariance(s.audit);
    den += a * sampleVariance(s.audit.n, s.audit.sumF, s.audit.sumF2);
  }
  if (!(den > 0)) return 0;
  return Math.min(1, Math.max(0, num / den));
}

function validate(strata: readonly PpiStratum[]): void {
  if (strata.length === 0) throw new RangeError('ppi needs at least one stratum');
  for (const s of strata) {
    const { population: p, audit: a } = s;
    if (!(a.n >= 1) || a.n > p.n) throw new RangeError(`each stratum needs 1 <= audit n <= population n, got ${a.n} of ${p.n}`);
  }
}

/**
 * The prediction-powered estimate of a finite population's mean of Y, from a stratified uniform
 * audit (one stratum for a plain uniform audit). Per stratum:
 *   theta_h = lambda * mean_pop(F) + mean_audit(Y - lambda F),
 * unbiased for any fixed lambda because the audit is a uniform sample of the stratum. The population
 * mean of F is known exactly (it is a tally, not a sample), so unlike ppi_py's superpopulation
 * interval there is no imputed-variance term, and the rectifier variance carries the finite
 * population correction (1 - n_h/N_h). Strata combine with weights N_h/N.
 */
export function ppiMean(strata: readonly PpiStratum[], options: PpiOptions = {}): PpiResult {
  validate(strata);
  const z = options.z ?? Z95;
  const k = options.pseudoPairs ?? 1;
  const lambda = options.lambda === undefined || options.lambda === 'tuned' ? tunedLambda(strata) : options.lambda;
  const total = strata.reduce((t, s) => t + s.population.n, 0);
  let estimate = 0;
  let variance = 0;
  let nAudit = 0;
  for (const s of strata) {
    const w = s.population.n / total;
    const rectifier = (s.audit.sumY - lambda * s.audit.sumF) / s.audit.n;
    estimate += w * (lambda * (s.population.sumF / s.population.n) + rectifier);
    variance += designWeight(s, total) * residualVariance(withPseudoPairs(s.audit, k), lambda);
    nAudit += s.audit.n;
  }
  const se = Math.sqrt(variance);
  const fpc = 1 / nAudit - 1 / total;
  return {
    estimate,
    variance,
    se,
    lambda,
    ci: [Math.max(0, estimate - z * se), Math.min(1, estimate + z * se)],
    unitVariance: fpc > 0 ? variance / fpc : 0,
  };
}
