import { Z95 } from '../slices/wilson.js';

export interface AuditPlanInput {
  /** Predictions in the slice's population (the window), labeled or not. */
  population: number;
  /** Audit labels it has now. */
  nAudit: number;
  /** The estimate's unitVariance (variance = (1/nAudit - 1/population) unitVariance); null without an estimate. */
  unitVariance: number | null;
  /** The half-width of the 95% interval wanted, e.g. 0.05. */
  targetHalfWidth: number;
  z?: number;
  /** Variance assumed before any audit: 0.25, the largest a 0/1 outcome can have, so plans err on the long side. */
  priorVariance?: number;
  /** How many audit labels the prior counts as: the observed variance takes over as the audit grows. */
  priorWeight?: number;
}

export interface AuditPlan {
  /** More audit labels to queue (0 when the target is met). */
  additional: number;
  /** The half-width expected once they are in. */
  projectedHalfWidth: number;
  /** The per-unit variance the plan used, after shrinking toward the prior. */
  varianceUsed: number;
  /** True when the target needs the whole remaining population audited. */
  exhaustsPopulation: boolean;
}

const halfWidth = (z: number, variance: number, n: number, population: number) =>
  n <= 0 ? Infinity : z * Math.sqrt(Math.max(0, variance * (1 / n - 1 / population)));

/**
 * How many more uniform audit labels bring the half-width z sqrt(s2 (1/n - 1/N)) down to the target:
 * n >= n0 / (1 + n0/N) with n0 = z^2 s2 / h^2, the usual sample size with finite population
 * correction. s2 is the observed per-unit variance shrunk toward the prior, (n s2 + k prior) / (n + k),
 * so a slice with two audit labels that happen to agree is not told it needs none.
 */
export function planAudit(input: AuditPlanInput): AuditPlan {
  const { population: N, nAudit: n, targetHalfWidth: h } = input;
  if (!Number.isInteger(N) || N < 0 || !Number.isInteger(n) || n < 0 || n > N) {
    throw new RangeError(`planAudit needs integers 0 <= nAudit <= population, got ${n} of ${N}`);
  }
  if (!(h > 0 && h < 1)) throw new RangeError(`targetHalfWidth must be in (0, 1), got ${h}`);
  const z = input.z ?? Z95;
  const prior = input.priorVariance ?? 0.25;
  const k = input.priorWeight ?? 10;
  const observed = input.unitVariance ?? prior;
  const variance = (n * observed + k * prior) / (n + k);
  if (N === 0) return { additional: 0, projectedHalfWidth: 0, varianceUsed: variance, exhaustsPopulation: false };
  const n0 = (z * z * variance) / (h * h);
  const needed = Math.min(N, Math.ceil(n0 / (1 + n0 / N) - 1e-9));
  const target = Math.max(n, needed);
  return {
    additional: target - n,
    projectedHalfWidth: halfWidth(z, variance, target, N),
    varianceUsed: variance,
    exhaustsPopulation: target === N && needed === N,
  };
}
