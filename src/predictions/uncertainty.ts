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

/**
 * Coarse, order-preserving buckets of the three scores, stored beside them and indexed as
 * (model, prediction, bucket) instead of (model, prediction, score). An index on the raw score puts
 * every inserted row on a random leaf page (a 1,000-row commit dirtied about 940 pages of each of
 * three indexes at 1M rows); with a bucket, new rows of one (class, bucket) append after the rowid
 * order, so a commit touches one tail page per (class, bucket) it hit. Selection orders by
 * (bucket, score): each bucket is a monotone step of its score, so the order is exactly the score's,
 * and the database sorts only the top bucket(s) a LIMIT reaches. The steps do not depend on the
 * number of classes (rows of one model may give different classes), and are plain floor(x * k) so
 * SQL and JavaScript agree bit for bit (the migration backfills with the same arithmetic).
 * bench/README.md ("uncertainty indexes") has the measurements behind the widths.
 */
export const UNCERTAINTY_BUCKET_STEPS = { leastConfidence: 16, margin: 16, entropy: 8 } as const;

export interface UncertaintyBuckets {
  leastConfidenceBucket: number;
  marginBucket: number;
  entropyBucket: number;
}

export function uncertaintyBuckets(u: Uncertainty): UncertaintyBuckets {
  return {
    leastConfidenceBucket: Math.floor(u.leastConfidence * UNCERTAINTY_BUCKET_STEPS.leastConfidence),
    marginBucket: Math.floor(u.margin * UNCERTAINTY_BUCKET_STEPS.margin),
    entropyBucket: Math.floor(u.entropy * UNCERTAINTY_BUCKET_STEPS.entropy),
  };
}
