import { type Interval, wilson, Z95 } from '../slices/wilson.js';
import { EMPTY_MOMENTS, addMoments, type Moments, ppiMean, type PpiStratum } from './ppi.js';

/** The one stratum of a plain uniform audit. */
export const UNIFORM = '*';

/**
 * Predictions of one slice in the window, counted by audit stratum, proxy and truth. The tally the
 * integrator maintains: one count per (slice, stratum, proxy, truth), every prediction in exactly
 * one cell, labeled or not.
 */
export interface ProxyCell {
  /** The audit design stratum (the stratifying slice value for by_slice audits); UNIFORM otherwise. */
  stratum: string;
  /** 1 when the effective behaviour (non-human) label equals the prediction, 0 when not, null without one. */
  proxy: 0 | 1 | null;
  /** 1 when the audit label equals the prediction, 0 when not, null when the prediction was not audited. */
  truth: 0 | 1 | null;
  n: number;
}

export type EstimateMethod = 'ppi' | 'ppi++' | 'audit_only';

export interface AccuracyEstimate {
  accuracy: number;
  ci: Interval;
  method: EstimateMethod;
  /** Predictions in the population (the slice in the window), labeled or not. */
  n: number;
  nAudit: number;
  /** Standard error when the interval is a normal one (ppi); for audit_only the Wilson-equivalent one. */
  se: number;
  lambda: number | null;
  /** Per-unit variance for audit planning: variance = (1/nAudit - 1/n) unitVariance. */
  unitVariance: number;
  /** Why this method: shown beside the figure. */
  note: string;
}

export type NoEstimateReason = 'no_audit_labels' | 'unaudited_stratum';

export type EstimateOutcome =
  { estimate: AccuracyEstimate; reason: null } | { estimate: null; reason: NoEstimateReason; detail: string };

export interface EstimateOptions {
  /** Below this many audit labels the audit-only Wilson interval is used: the normal one is not yet honest. */
  minAudit?: number;
  /** false: plain PPI (lambda = 1). */
  powerTuning?: boolean;
  pseudoPairs?: number;
  z?: number;
}

interface StratumTally {
  stratum: string;
  population: number;
  behaviour: number;
  behaviourAgree: number;
  audit: { withProxy: Moments; withoutProxy: { n: number; sumY: number } };
}

function tallyStrata(cells: readonly ProxyCell[]): StratumTally[] {
  const byStratum = new Map<string, StratumTally>();
  for (const c of cells) {
    if (!Number.isInteger(c.n) || c.n < 0) throw new RangeError(`cell counts must be integers >= 0, got ${c.n}`);
    let s = byStratum.get(c.stratum);
    if (!s) {
      s = {
        stratum: c.stratum,
        population: 0,
        behaviour: 0,
        behaviourAgree: 0,
        audit: { withProxy: { ...EMPTY_MOMENTS }, withoutProxy: { n: 0, sumY: 0 } },
      };
      byStratum.set(c.stratum, s);
    }
    s.population += c.n;
    if (c.proxy !== null) {
      s.behaviour += c.n;
      s.behaviourAgree += c.proxy * c.n;
    }
    if (c.truth === null) continue;
    if (c.proxy === null) {
      s.audit.withoutProxy.n += c.n;
      s.audit.withoutProxy.sumY += c.truth * c.n;
    } else {
      const y = c.truth * c.n;
      const f = c.proxy * c.n;
      s.audit.withProxy = addMoments(s.audit.withProxy, { n: c.n, sumY: y, sumY2: y, sumF: f, sumF2: f, sumYF: c.truth * f });
    }
  }
  return [...byStratum.values()].filter((s) => s.population > 0);
}

/**
 * The proxy over the whole population: the behaviour agreement where there is a behaviour label, and
 * otherwise the stratum's mean behaviour agreement (0 without any). The imputed value depends on
 * behaviour data only, never on the audit, so it is a fixed function of each prediction and the
 * estimator stays unbiased; the rectifier corrects whatever it gets wrong.
 */
function toPpiStratum(s: StratumTally): PpiStratum {
  const c = s.behaviour > 0 ? s.behaviourAgree / s.behaviour : 0;
  const missing = s.population - s.behaviour;
  const wo = s.audit.withoutProxy;
  const audit = addMoments(s.audit.withProxy, {
    n: wo.n,
    sumY: wo.sumY,
    sumY2: wo.sumY,
    sumF: c * wo.n,
    sumF2: c * c * wo.n,
    sumYF: c * wo.sumY,
  });
  return { population: { n: s.population, sumF: s.behaviourAgree + c * missing }, audit };
}

/** The PPI strata of a slice's cells: what ppiMean takes. */
export function ppiStrataOf(cells: readonly ProxyCell[]): PpiStratum[] {
  return tallyStrata(cells).map(toPpiStratum);
}

/** The audit mean alone: Wilson for one stratum; for several, Wilson at Kish's effective sample size. */
function auditOnly(
  strata: readonly PpiStratum[],
  z: number,
): { accuracy: number; ci: Interval; se: number; unitVariance: number } {
  const total = strata.reduce((t, s) => t + s.population.n, 0);
  const nAudit = strata.reduce((t, s) => t + s.audit.n, 0);
  let p = 0;
  let v = 0;
  for (const s of strata) {
    const w = s.population.n / total;
    p += (w * s.audit.sumY) / s.audit.n;
    // Laplace-smoothed so that a stratum whose audit is all right or all wrong still has variance.
    const ph = (s.audit.sumY + 1) / (s.audit.n + 2);
    v += (w * w * (ph * (1 - ph))) / s.audit.n;
  }
  if (strata.length === 1) {
    const s = strata[0];
    const ci = wilson(Math.round(s.audit.sumY), s.audit.n, z);
    return { accuracy: p, ci, se: (ci[1] - ci[0]) / (2 * z), unitVariance: v * nAudit };
  }
  const nEff = v > 0 ? Math.max(1, (p * (1 - p)) / v) : nAudit;
  const ci = wilsonAt(p, nEff, z);
  return { accuracy: p, ci, se: (ci[1] - ci[0]) / (2 * z), unitVariance: v * nAudit };
}

/** The Wilson interval of a proportion p at a (real-valued) effective sample size. */
export function wilsonAt(p: number, n: number, z = Z95): Interval {
  const z2 = z * z;
  const d = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / d;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * Accuracy over all of a slice's predictions in the window, from behaviour proxies and audit labels.
 * PPI(++) when there are behaviour labels, enough audit labels, and its interval is the narrower;
 * otherwise the audit alone. Null, with the reason, when the audit does not reach every stratum.
 */
export function estimateAccuracy(cells: readonly ProxyCell[], options: EstimateOptions = {}): EstimateOutcome {
  const z = options.z ?? Z95;
  const minAudit = options.minAudit ?? 30;
  const tallies = tallyStrata(cells);
  const nAudit = tallies.reduce((t, s) => t + s.audit.withProxy.n + s.audit.withoutProxy.n, 0);
  const n = tallies.reduce((t, s) => t + s.population, 0);
  if (nAudit === 0) return { estimate: null, reason: 'no_audit_labels', detail: 'no audit labels in this slice and window yet' };
  const unaudited = tallies.filter((s) => s.audit.withProxy.n + s.audit.withoutProxy.n === 0);
  if (unaudited.length > 0) {
    const names = unaudited.map((s) => s.stratum).join(', ');
    return {
      estimate: null,
      reason: 'unaudited_stratum',
      detail: `no audit labels in audit stratum ${names}: it cannot be estimated without bias`,
    };
  }
  const strata = tallies.map(toPpiStratum);
  const base = auditOnly(strata, z);
  const fallback = (note: string): EstimateOutcome => ({
    estimate: { ...base, method: 'audit_only', n, nAudit, lambda: null, note },
    reason: null,
  });
  if (tallies.every((s) => s.behaviour === 0)) return fallback('no behaviour labels: audit labels alone');
  if (nAudit < minAudit) return fallback(`fewer than ${minAudit} audit labels: audit labels alone`);
  const tuned = options.powerTuning ?? true;
  const ppi = ppiMean(strata, { lambda: tuned ? 'tuned' : 1, pseudoPairs: options.pseudoPairs, z });
  if (ppi.ci[1] - ppi.ci[0] >= base.ci[1] - base.ci[0])
    return fallback('behaviour labels did not narrow the interval: audit labels alone');
  return {
    estimate: {
      accuracy: ppi.estimate,
      ci: ppi.ci,
      method: tuned ? 'ppi++' : 'ppi',
      n,
      nAudit,
      se: ppi.se,
      lambda: ppi.lambda,
      unitVariance: ppi.unitVariance,
      note: `behaviour labels corrected by ${nAudit} audit labels (prediction-powered, lambda ${ppi.lambda.toFixed(2)})`,
    },
    reason: null,
  };
}

export interface BiasTest {
  biased: boolean;
  /** label accuracy minus the estimate. */
  gap: number;
  /** gap / se: how many standard errors of the estimate the label accuracy is away. */
  z: number | null;
}

/**
 * Label accuracy is a fixed figure computed over every label (it has no sampling error of its own;
 * its error is the bias being asked about), so "significantly off" is a two-sided test of
 * H0: true accuracy = label accuracy at the estimate's level, i.e. label accuracy outside the
 * estimate's interval. minGap (default 0) keeps tiny gaps on huge audits from being flagged.
 */
export function biasTest(
  labelAccuracy: number,
  estimate: Pick<AccuracyEstimate, 'accuracy' | 'ci' | 'se'>,
  minGap = 0,
): BiasTest {
  const gap = labelAccuracy - estimate.accuracy;
  const outside = labelAccuracy < estimate.ci[0] || labelAccuracy > estimate.ci[1];
  return { biased: outside && Math.abs(gap) >= minGap, gap, z: estimate.se > 0 ? gap / estimate.se : null };
}
