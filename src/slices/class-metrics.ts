/** Counts by actual (labeled) class, then by predicted class. */
export type Confusion = Record<string, Record<string, number>>;

export interface ClassMetrics {
  /** null when the class was never predicted. */
  precision: number | null;
  /** null when the class never occurred. */
  recall: number | null;
  /** null when precision or recall is. */
  f1: number | null;
  /** How many labeled predictions have this class as their label. */
  support: number;
}

export function addToConfusion(confusion: Confusion, actual: string, predicted: string, n: number): void {
  const row = (confusion[actual] ??= {});
  row[predicted] = (row[predicted] ?? 0) + n;
}

/** n labeled predictions, of which correct had the label that was predicted. */
export function tally(confusion: Confusion): { n: number; correct: number } {
  let n = 0;
  let correct = 0;
  for (const [actual, row] of Object.entries(confusion)) {
    for (const [predicted, count] of Object.entries(row)) {
      n += count;
      if (actual === predicted) correct += count;
    }
  }
  return { n, correct };
}

/** Precision, recall, F1 and support of each class (the given ones first, then any others seen). */
export function perClass(confusion: Confusion, classes: readonly string[] = []): Record<string, ClassMetrics> {
  const all = new Set(classes);
  const predictedTotals: Record<string, number> = {};
  for (const [actual, row] of Object.entries(confusion)) {
    all.add(actual);
    for (const [predicted, count] of Object.entries(row)) {
      all.add(predicted);
      predictedTotals[predicted] = (predictedTotals[predicted] ?? 0) + count;
    }
  }
  const out: Record<string, ClassMetrics> = {};
  for (const c of all) {
    const truePositives = confusion[c]?.[c] ?? 0;
    const support = Object.values(confusion[c] ?? {}).reduce((a, b) => a + b, 0);
    const predicted = predictedTotals[c] ?? 0;
    const precision = predicted === 0 ? null : truePositives / predicted;
    const recall = support === 0 ? null : truePositives / support;
    const f1 =
      precision === null || recall === null
        ? null
        : precision + recall === 0
          ? 0
          : (2 * precision * recall) / (precision + recall);
    out[c] = { precision, recall, f1, support };
  }
  return out;
}

/** The most frequent mistake: the (actual, predicted) pair off the diagonal with the largest count. */
export function mostConfusedPair(confusion: Confusion): { actual: string; predicted: string; n: number } | null {
  let best: { actual: string; predicted: string; n: number } | null = null;
  for (const [actual, row] of Object.entries(confusion)) {
    for (const [predicted, n] of Object.entries(row)) {
      if (actual !== predicted && n > 0 && (!best || n > best.n)) best = { actual, predicted, n };
    }
  }
  return best;
}
