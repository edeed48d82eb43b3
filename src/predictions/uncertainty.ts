export interface Uncertainty {
  /** 1 - p(top class): higher is more uncertain. */
  leastConfidence: number;
  /** p(top) - p(second): lower is more uncertain. */
  margin: number;
  /** Shannon entropy in nats over all classes: higher is more uncertain. */
  entropy: number;
}

/** The three uncertainty scores of a probability vector (classes absent from it count as 0). */
export function uncertainty(probabilities: readonly number[]): Uncertainty {
  let top = 0;
  let second = 0;
  let entropy = 0;
  for (const p of probabilities) {
    if (p > top) {
      second = top;
      top = p;
    } else if (p > second) {
      second = p;
    }
    if (p > 0) entropy -= p * Math.log(p);
  }
  return { leastConfidence: round(1 - top), margin: round(top - second), entropy: round(Math.max(0, entropy)) };
}

// Rounding keeps scores stable across databases (double round-trips) and in ties.
function round(x: number): number {
  return Math.round(x * 1e12) / 1e12;
}
