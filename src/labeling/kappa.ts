/** Chance-corrected agreement between labelers. */

/** Cohen's kappa of two raters over the same items: null when chance agreement is 1 (one class only). */
export function cohenKappa(pairs: readonly (readonly [string, string])[]): number | null {
  if (pairs.length === 0) return null;
  const first = new Map<string, number>();
  const second = new Map<string, number>();
  let agree = 0;
  for (const [a, b] of pairs) {
    if (a === b) agree++;
    first.set(a, (first.get(a) ?? 0) + 1);
    second.set(b, (second.get(b) ?? 0) + 1);
  }
  const n = pairs.length;
  let expected = 0;
  for (const [label, count] of first) expected += (count / n) * ((second.get(label) ?? 0) / n);
  return expected === 1 ? null : (agree / n - expected) / (1 - expected);
}

/**
 * Fleiss' kappa: each item rated by the same number (>= 2) of raters, not necessarily the same
 * people. `items` holds each item's labels. Null when not computable.
 */
export function fleissKappa(items: readonly (readonly string[])[]): number | null {
  if (items.length === 0) return null;
  const raters = items[0].length;
  if (raters < 2 || items.some((labels) => labels.length !== raters)) return null;
  const totals = new Map<string, number>();
  let observed = 0;
  for (const labels of items) {
    const counts = new Map<string, number>();
    for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
    let sumSquares = 0;
    for (const [label, c] of counts) {
      sumSquares += c * c;
      totals.set(label, (totals.get(label) ?? 0) + c);
    }
    observed += (sumSquares - raters) / (raters * (raters - 1));
  }
  observed /= items.length;
  let expected = 0;
  for (const c of totals.values()) expected += (c / (items.length * raters)) ** 2;
  return expected === 1 ? null : (observed - expected) / (1 - expected);
}

export interface Rating {
  labeler: string;
  label: string;
}

export interface Agreement {
  method: 'cohen' | 'fleiss' | null;
  kappa: number | null;
  /** Items the figure is computed over. */
  items: number;
  labelers: number;
  /** Why kappa is null; null when it is not. */
  reason: 'one_label_per_item' | 'no_item_labeled_twice_yet' | 'all_labels_in_one_class' | null;
}

/**
 * A batch's agreement: Cohen's kappa when exactly two labelers share its items, otherwise Fleiss'
 * over the items that have all `labelsPerItem` labels.
 */
export function batchAgreement(items: readonly (readonly Rating[])[], labelsPerItem: number): Agreement {
  if (labelsPerItem < 2) return { method: null, kappa: null, items: 0, labelers: 0, reason: 'one_label_per_item' };
  const shared = items.filter((ratings) => ratings.length >= 2);
  const labelers = [...new Set(shared.flatMap((ratings) => ratings.map((r) => r.labeler)))].sort();
  if (shared.length === 0) return { method: null, kappa: null, items: 0, labelers: 0, reason: 'no_item_labeled_twice_yet' };
  if (labelers.length === 2) {
    const pairs = shared.map((ratings) => {
      const by = new Map(ratings.map((r) => [r.labeler, r.label]));
      return [by.get(labelers[0])!, by.get(labelers[1])!] as const;
    });
    const kappa = cohenKappa(pairs);
    return {
      method: 'cohen',
      kappa,
      items: pairs.length,
      labelers: 2,
      reason: kappa === null ? 'all_labels_in_one_class' : null,
    };
  }
  const complete = shared.filter((ratings) => ratings.length === labelsPerItem).map((ratings) => ratings.map((r) => r.label));
  if (complete.length === 0)
    return { method: 'fleiss', kappa: null, items: 0, labelers: labelers.length, reason: 'no_item_labeled_twice_yet' };
  const kappa = fleissKappa(complete);
  return {
    method: 'fleiss',
    kappa,
    items: complete.length,
    labelers: labelers.length,
    reason: kappa === null ? 'all_labels_in_one_class' : null,
  };
}
