import { uncertainty, type Uncertainty } from '../predictions/uncertainty.js';
import { SeededRandom } from '../common/random.js';

export const STRATEGIES = ['least_confidence', 'margin', 'entropy', 'random'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** Why an item is in a batch: the strategy that ranked it, or the random audit sample. */
export type TaskReason = Strategy | 'audit';

/**
 * The uncertainty column a strategy orders by, its indexed bucket column (a monotone step of the
 * score: predictions/uncertainty.ts), and whether higher means more uncertain.
 */
export const SCORE_COLUMNS = {
  least_confidence: { column: 'least_confidence', bucket: 'least_confidence_bucket', mostUncertainFirst: 'DESC' },
  margin: { column: 'margin', bucket: 'margin_bucket', mostUncertainFirst: 'ASC' },
  entropy: { column: 'entropy', bucket: 'entropy_bucket', mostUncertainFirst: 'DESC' },
} as const satisfies Record<Exclude<Strategy, 'random'>, { column: string; bucket: string; mostUncertainFirst: 'ASC' | 'DESC' }>;

/**
 * A sort key where smaller means "label this first". Uncertainty strategies turn the stored score
 * into one; random gets a fresh uniform draw, so that merging classes stays random too.
 */
export function rankKey(strategy: Strategy, score: number | null, random: SeededRandom): number {
  switch (strategy) {
    case 'least_confidence':
    case 'entropy':
      return -(score ?? 0);
    case 'margin':
      return score ?? 1;
    case 'random':
      return random.next();
  }
}

/** The stored score a strategy ranks by (null for random). */
export function scoreOf(strategy: Strategy, u: Uncertainty): number | null {
  switch (strategy) {
    case 'least_confidence':
      return u.leastConfidence;
    case 'margin':
      return u.margin;
    case 'entropy':
      return u.entropy;
    case 'random':
      return null;
  }
}

/** Ranks probability vectors, most informative first (random: a seeded shuffle). Returns their indexes. */
export function rankByStrategy(vectors: readonly (readonly number[])[], strategy: Strategy, seed = 1): number[] {
  const random = new SeededRandom(seed);
  const keyed = vectors.map((p, index) => ({ index, key: rankKey(strategy, scoreOf(strategy, uncertainty(p)), random) }));
  return keyed.sort((a, b) => a.key - b.key || a.index - b.index).map((k) => k.index);
}
