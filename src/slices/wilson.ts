/** z of a two-sided 95% interval: the 0.975 quantile of the standard normal. */
export const Z95 = 1.959963984540054;

export type Interval = [number, number];

/**
 * The Wilson score interval of a proportion, successes out of n. Unlike the normal approximation it
 * stays inside [0, 1] and is honest for small n and for proportions near 0 or 1. With n = 0 nothing
 * is known: [0, 1].
 */
export function wilson(successes: number, n: number, z = Z95): Interval {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(successes) || successes < 0 || successes > n) {
    throw new RangeError(`wilson needs integers 0 <= successes <= n, got ${successes} of ${n}`);
  }
  if (n === 0) return [0, 1];
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  // At 0 and n the bounds are exactly 0 and 1; rounding would otherwise leave 1e-17 or 0.9999999999999999.
  return [successes === 0 ? 0 : centre - half, successes === n ? 1 : centre + half];
}
