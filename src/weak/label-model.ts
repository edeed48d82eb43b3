/**
 * Label models over labeling-function votes. Votes are coded per function as an outcome: 0 for an
 * abstention, 1 + c for a vote for class c. Predictions with the same outcomes (and the same human
 * label) are one pattern with a count, so that a fit needs memory in the number of distinct patterns,
 * not in the number of predictions: 1M predictions of 20 functions rarely have more than a few
 * thousand.
 */

export interface Pattern {
  outcomes: Uint8Array;
  /** Class index of the human label, or -1. */
  human: number;
  audit: boolean;
  count: number;
}

export class PatternTable {
  readonly patterns = new Map<string, Pattern>();
  constructor(
    readonly functions: number,
    readonly classes: number,
  ) {}

  add(outcomes: Uint8Array, human = -1, audit = false, count = 1): void {
    const key = `${outcomes.join(',')}|${human}|${audit ? 1 : 0}`;
    const p = this.patterns.get(key);
    if (p) p.count += count;
    else this.patterns.set(key, { outcomes, human, audit, count });
  }

  get total(): number {
    let n = 0;
    for (const p of this.patterns.values()) n += p.count;
    return n;
  }
}

export type Posterior = Float64Array;

/** Majority vote: each vote counts once; the distribution is the vote shares. All abstain: null. */
export function majorityPosterior(outcomes: Uint8Array, classes: number): Posterior | null {
  const p = new Float64Array(classes);
  let n = 0;
  for (const o of outcomes) {
    if (o === 0) continue;
    p[o - 1]++;
    n++;
  }
  if (n === 0) return null;
  for (let c = 0; c < classes; c++) p[c] /= n;
  return p;
}

/** The most probable class, or -1 on a tie for the top (no label is better than a coin flip). */
export function argmax(p: Posterior): number {
  let best = -1;
  let bestP = -Infinity;
  let tie = false;
  for (let c = 0; c < p.length; c++) {
    if (p[c] > bestP + 1e-12) {
      best = c;
      bestP = p[c];
      tie = false;
    } else if (Math.abs(p[c] - bestP) <= 1e-12) tie = true;
  }
  return tie ? -1 : best;
}

export interface DawidSkeneFit {
  priors: number[];
  /** confusion[j][c][o]: probability that function j gives outcome o when the true class is c. */
  confusion: number[][][];
  iterations: number;
  logLikelihood: number;
  converged: boolean;
}

export interface DawidSkeneOptions {
  maxIterations?: number;
  tolerance?: number;
  /** Additive smoothing of the confusion counts, so that no outcome is ever impossible. */
  smoothing?: number;
}

/**
 * Dawid and Skene's EM (1979) with abstention as one of each function's outcomes: a function that only
 * ever votes "spam" says something by abstaining too, and Snorkel's label model treats it the same way.
 * Started from majority-vote posteriors, which keeps the classes from swapping names.
 */
export function fitDawidSkene(table: PatternTable, options: DawidSkeneOptions = {}): DawidSkeneFit {
  const { functions: m, classes: k } = table;
  const maxIterations = options.maxIterations ?? 200;
  const tolerance = options.tolerance ?? 1e-7;
  const alpha = options.smoothing ?? 0.01;
  const patterns = [...table.patterns.values()].filter((p) => p.outcomes.some((o) => o !== 0));
  let posts = patterns.map((p) => majorityPosterior(p.outcomes, k)!);
  let fit: DawidSkeneFit = { priors: [], confusion: [], iterations: 0, logLikelihood: -Infinity, converged: false };
  for (let it = 1; it <= maxIterations; it++) {
    const priors = new Array<number>(k).fill(alpha);
    const confusion = Array.from({ length: m }, () => Array.from({ length: k }, () => new Array<number>(k + 1).fill(alpha)));
    patterns.forEach((p, i) => {
      for (let c = 0; c < k; c++) {
        const w = posts[i][c] * p.count;
        priors[c] += w;
        for (let j = 0; j < m; j++) confusion[j][c][p.outcomes[j]] += w;
      }
    });
    const totalPrior = priors.reduce((a, b) => a + b, 0);
    for (let c = 0; c < k; c++) priors[c] /= totalPrior;
    for (const byClass of confusion)
      for (const row of byClass) {
        const s = row.reduce((a, b) => a + b, 0);
        for (let o = 0; o <= k; o++) row[o] /= s;
      }
    let logLikelihood = 0;
    posts = patterns.map((p) => {
      const { posterior, evidence } = posteriorOf(p.outcomes, priors, confusion);
      logLikelihood += p.count * Math.log(evidence);
      return posterior;
    });
    const converged = Math.abs(logLikelihood - fit.logLikelihood) < tolerance * Math.max(1, Math.abs(logLikelihood));
    fit = { priors, confusion, iterations: it, logLikelihood, converged };
    if (converged) break;
  }
  return fit;
}

/** P(class | outcomes) under a fit, with the outcomes' marginal probability. */
export function posteriorOf(
  outcomes: Uint8Array,
  priors: readonly number[],
  confusion: readonly (readonly (readonly number[])[])[],
): { posterior: Posterior; evidence: number } {
  const k = priors.length;
  const logs = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let l = Math.log(priors[c]);
    for (let j = 0; j < outcomes.length; j++) l += Math.log(confusion[j][c][outcomes[j]]);
    logs[c] = l;
  }
  const top = Math.max(...logs);
  let s = 0;
  for (let c = 0; c < k; c++) {
    logs[c] = Math.exp(logs[c] - top);
    s += logs[c];
  }
  for (let c = 0; c < k; c++) logs[c] /= s;
  return { posterior: logs, evidence: s * Math.exp(top) };
}

/**
 * Each function's accuracy under a fit: the probability that the class is the one it voted for,
 * given that it voted, P(Y = o - 1 | outcome o ≠ abstain), averaged over its votes.
 */
export function estimatedAccuracies(fit: DawidSkeneFit): number[] {
  const k = fit.priors.length;
  return fit.confusion.map((byClass) => {
    let voted = 0;
    let right = 0;
    for (let c = 0; c < k; c++) {
      for (let o = 1; o <= k; o++) {
        const mass = fit.priors[c] * byClass[c][o];
        voted += mass;
        if (o - 1 === c) right += mass;
      }
    }
    return voted === 0 ? 0 : right / voted;
  });
}
