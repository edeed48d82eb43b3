/**
 * Distances and tests between two distributions, each given as weighted values (numeric) or as
 * counts over the same categories. Checked against scipy in statistics.spec.ts.
 */

export interface Weighted {
  values: readonly number[];
  weights: readonly number[];
}

/** The distinct values of both, ascending, with each side's cumulative share at each. */
function cdfs(a: Weighted, b: Weighted): { xs: number[]; fa: number[]; fb: number[] } {
  const xs =
    ascending(a.values) && ascending(b.values)
      ? mergeDistinct(a.values, b.values)
      : [...new Set([...a.values, ...b.values])].sort((x, y) => x - y);
  const cum = (w: Weighted) => {
    // Sketch points come sorted; sorting them again (a stable sort) would change nothing.
    const sorted = ascending(w.values);
    const order = sorted ? null : w.values.map((v, i) => [v, w.weights[i]] as const).sort((p, q) => p[0] - q[0]);
    const values = order ? order.map(([v]) => v) : w.values;
    const weights = order ? order.map(([, n]) => n) : w.weights;
    let total = 0;
    for (const n of weights) total += n;
    const out = new Array<number>(xs.length);
    let j = 0;
    let acc = 0;
    for (let i = 0; i < xs.length; i++) {
      while (j < values.length && values[j] <= xs[i]) acc += weights[j++];
      out[i] = total > 0 ? acc / total : 0;
    }
    return out;
  };
  return { xs, fa: cum(a), fb: cum(b) };
}

function ascending(values: readonly number[]): boolean {
  for (let i = 1; i < values.length; i++) if (!(values[i - 1] <= values[i])) return false;
  return true;
}

/** The distinct values of two ascending lists, ascending (what a Set and a sort of both give). */
function mergeDistinct(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const v = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
    if (out.length === 0 || out[out.length - 1] !== v) out.push(v);
  }
  return out;
}

/** First Wasserstein distance (scipy.stats.wasserstein_distance with weights). */
export function wasserstein(a: Weighted, b: Weighted): number {
  return wassersteinOf(cdfs(a, b));
}

function wassersteinOf({ xs, fa, fb }: { xs: number[]; fa: number[]; fb: number[] }): number {
  let d = 0;
  for (let i = 0; i + 1 < xs.length; i++) d += Math.abs(fa[i] - fb[i]) * (xs[i + 1] - xs[i]);
  return d;
}

/** wasserstein() and ksTwoSample() of the same two distributions, from one pass over their CDFs. */
export function wassersteinAndKs(a: Weighted, b: Weighted): { wasserstein: number; ks: { statistic: number; pValue: number } } {
  const both = cdfs(a, b);
  return { wasserstein: wassersteinOf(both), ks: ksOf(both, a, b) };
}

/** Normalises counts to shares; all zeros stay zeros. */
export function shares(counts: readonly number[]): number[] {
  const total = counts.reduce((s, n) => s + n, 0);
  return counts.map((n) => (total > 0 ? n / total : 0));
}

/** Jensen-Shannon distance with natural logarithms (scipy.spatial.distance.jensenshannon). */
export function jensenShannon(p: readonly number[], q: readonly number[]): number {
  const a = shares(p);
  const b = shares(q);
  let js = 0;
  for (let i = 0; i < a.length; i++) {
    const m = (a[i] + b[i]) / 2;
    if (a[i] > 0) js += a[i] * Math.log(a[i] / m);
    if (b[i] > 0) js += b[i] * Math.log(b[i] / m);
  }
  return Math.sqrt(Math.max(0, js / 2));
}

/** Population stability index, empty bins replaced by 0.0001 as Evidently does. */
export function psi(reference: readonly number[], current: readonly number[]): number {
  const r = shares(reference).map((v) => (v === 0 ? 0.0001 : v));
  const c = shares(current).map((v) => (v === 0 ? 0.0001 : v));
  return r.reduce((sum, rv, i) => sum + (c[i] - rv) * Math.log(c[i] / rv), 0);
}

/** Two-sample Kolmogorov-Smirnov statistic and its asymptotic p-value (scipy ks_2samp, method="asymp"). */
export function ksTwoSample(a: Weighted, b: Weighted): { statistic: number; pValue: number } {
  return ksOf(cdfs(a, b), a, b);
}

function ksOf({ fa, fb }: { fa: number[]; fb: number[] }, a: Weighted, b: Weighted): { statistic: number; pValue: number } {
  let d = 0;
  for (let i = 0; i < fa.length; i++) d = Math.max(d, Math.abs(fa[i] - fb[i]));
  const n = a.weights.reduce((s, w) => s + w, 0);
  const m = b.weights.reduce((s, w) => s + w, 0);
  if (n === 0 || m === 0) return { statistic: 0, pValue: 1 };
  return { statistic: d, pValue: kolmogorovSf(Math.sqrt((n * m) / (n + m)) * d) };
}

/** Survival function of the Kolmogorov distribution (scipy.stats.kstwobign.sf). */
export function kolmogorovSf(x: number): number {
  if (x <= 0) return 1;
  if (x < 0.2) return 1;
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = (k % 2 === 1 ? 1 : -1) * Math.exp(-2 * k * k * x * x);
    sum += term;
    if (Math.abs(term) < 1e-16) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/**
 * Pearson's chi-squared goodness of fit of current counts to the reference shares
 * (scipy.stats.chisquare(current, expected = referenceShares * n)), as Evidently's chisquare test.
 * Categories the reference never saw get a small expected share so a new category counts.
 */
export function chiSquared(reference: readonly number[], current: readonly number[]): { statistic: number; pValue: number } {
  const n = current.reduce((s, v) => s + v, 0);
  const r = shares(reference);
  const k = r.length;
  if (n === 0 || k < 2) return { statistic: 0, pValue: 1 };
  let stat = 0;
  for (let i = 0; i < k; i++) {
    const expected = Math.max(r[i], 1e-4) * n;
    stat += (current[i] - expected) ** 2 / expected;
  }
  return { statistic: stat, pValue: chiSquaredSf(stat, k - 1) };
}

/** P(X > x) for a chi-squared distribution with df degrees of freedom. */
export function chiSquaredSf(x: number, df: number): number {
  if (x <= 0) return 1;
  return upperGammaQ(df / 2, x / 2);
}

/** Regularised upper incomplete gamma Q(a, x) (series below a + 1, continued fraction above). */
export function upperGammaQ(a: number, x: number): number {
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 500; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return 1 - sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
  }
  let b = x + 1 - a;
  let c = 1 / 1e-300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

const LANCZOS = [
  676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];

export function logGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * z))) - logGamma(1 - z);
  const x = z - 1;
  let a = 0.99999999999980993;
  const t = x + 7.5;
  for (let i = 0; i < LANCZOS.length; i++) a += LANCZOS[i] / (x + i + 1);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * Benjamini-Hochberg adjusted p-values (statsmodels multipletests(method="fdr_bh")), in input order:
 * a cell is significant at false-discovery rate q when its adjusted p-value is at most q.
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const adjusted = new Array<number>(m);
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const [p, i] = order[rank - 1];
    running = Math.min(running, (p * m) / rank);
    adjusted[i] = running;
  }
  return adjusted;
}
