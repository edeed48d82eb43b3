/** How a batch's non-audit part is split over the predicted classes. */
export type QuotaSpec = 'balanced' | 'proportional' | Record<string, number>;

export type QuotaReason = 'too_few_candidates' | 'received_unused_quota';

export interface QuotaOutcome {
  share: number;
  asked: number;
  filled: number;
  shortBy: number;
  /** Why filled differs from asked; null when it does not. */
  reason: QuotaReason | null;
}

export interface Candidate {
  id: string;
  cls: string;
  featureHash: string;
  score: number | null;
  /** Smaller is picked first (see rankKey). */
  key: number;
}

export interface ClassCandidates {
  /** Ordered by key, most informative first. */
  candidates: Candidate[];
  /** True when the list holds every candidate of the class; false when more can be fetched. */
  exhausted: boolean;
}

/**
 * Each class's share: equal (balanced), the class's part of the candidate pool (proportional), or
 * the given shares normalised to sum to 1 (classes left out get 0).
 */
export function quotaShares(spec: QuotaSpec, classes: readonly string[], poolCounts?: ReadonlyMap<string, number>) {
  const shares = new Map<string, number>();
  if (spec === 'balanced') {
    for (const c of classes) shares.set(c, 1 / classes.length);
    return shares;
  }
  const weights = classes.map((c) => (spec === 'proportional' ? (poolCounts?.get(c) ?? 0) : (spec[c] ?? 0)));
  const total = weights.reduce((a, b) => a + b, 0);
  classes.forEach((c, i) => shares.set(c, total > 0 ? weights[i] / total : 0));
  return shares;
}

/**
 * round(total x share) per class, adjusted by largest remainder so that the parts sum to exactly
 * `total` (ties go to the class listed first). A zero share always gets zero.
 */
export function apportion(total: number, shares: ReadonlyMap<string, number>): Map<string, number> {
  const entries = [...shares];
  if (!entries.some(([, share]) => share > 0)) return new Map(entries.map(([c]) => [c, 0]));
  const exact = entries.map(([, share]) => total * share);
  const parts = exact.map(Math.round);
  let diff = total - parts.reduce((a, b) => a + b, 0);
  const order = entries.map((_, i) => i);
  if (diff > 0) {
    order.sort((a, b) => exact[b] - parts[b] - (exact[a] - parts[a]) || a - b);
    for (let k = 0; diff > 0; k = (k + 1) % order.length) {
      if (entries[order[k]][1] > 0) {
        parts[order[k]]++;
        diff--;
      }
    }
  } else if (diff < 0) {
    order.sort((a, b) => parts[b] - exact[b] - (parts[a] - exact[a]) || b - a);
    for (let k = 0; diff < 0; k = (k + 1) % order.length) {
      if (parts[order[k]] > 0) {
        parts[order[k]]--;
        diff++;
      }
    }
  }
  return new Map(entries.map(([c], i) => [c, parts[i]]));
}

export interface FillResult {
  picks: Candidate[];
  outcomes: Map<string, QuotaOutcome>;
  /** Classes whose list ran out while not exhausted: fetch more of them and fill again. */
  starved: string[];
}

/**
 * Fills each class's quota with its most informative candidates, never taking two with the same
 * feature hash (nor one in `usedHashes`). What a class cannot fill goes to the other classes with a
 * positive share, most informative candidate first across them.
 */
export function fillQuotas(
  asked: ReadonlyMap<string, number>,
  shares: ReadonlyMap<string, number>,
  lists: ReadonlyMap<string, ClassCandidates>,
  usedHashes: ReadonlySet<string> = new Set(),
): FillResult {
  const used = new Set(usedHashes);
  const cursor = new Map<string, number>();
  const starved = new Set<string>();
  const filled = new Map<string, number>();
  const picks: Candidate[] = [];

  const peek = (cls: string): Candidate | null => {
    const list = lists.get(cls);
    let i = cursor.get(cls) ?? 0;
    while (list && i < list.candidates.length && used.has(list.candidates[i].featureHash)) i++;
    cursor.set(cls, i);
    if (list && i < list.candidates.length) return list.candidates[i];
    if (!list || !list.exhausted) starved.add(cls);
    return null;
  };
  const take = (c: Candidate) => {
    used.add(c.featureHash);
    cursor.set(c.cls, (cursor.get(c.cls) ?? 0) + 1);
    filled.set(c.cls, (filled.get(c.cls) ?? 0) + 1);
    picks.push(c);
  };

  let unused = 0;
  for (const [cls, n] of asked) {
    let got = 0;
    while (got < n) {
      const next = peek(cls);
      if (!next) break;
      take(next);
      got++;
    }
    unused += n - got;
  }
  const receivers = [...asked.keys()].filter((c) => (shares.get(c) ?? 0) > 0);
  while (unused > 0 && starved.size === 0) {
    let best: Candidate | null = null;
    for (const cls of receivers) {
      const next = peek(cls);
      if (next && (!best || next.key < best.key)) best = next;
    }
    if (!best) break;
    take(best);
    unused--;
  }

  const outcomes = new Map<string, QuotaOutcome>();
  for (const [cls, n] of asked) {
    const got = filled.get(cls) ?? 0;
    outcomes.set(cls, {
      share: shares.get(cls) ?? 0,
      asked: n,
      filled: got,
      shortBy: Math.max(0, n - got),
      reason: got < n ? 'too_few_candidates' : got > n ? 'received_unused_quota' : null,
    });
  }
  return { picks, outcomes, starved: [...starved] };
}
