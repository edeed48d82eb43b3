import type { LabelSource } from '../models/model-settings.js';

export interface LabelLike {
  label: string;
  source: LabelSource;
  updatedAt: number;
}

export interface EffectiveLabel {
  label: string;
  source: LabelSource;
}

/**
 * The label that counts: from the first source in `order` that has any label. Within a source
 * (several labelers), the majority wins; a tie goes to the most recent label.
 */
export function effectiveLabel(labels: readonly LabelLike[], order: readonly LabelSource[]): EffectiveLabel | null {
  for (const source of order) {
    const ofSource = labels.filter((l) => l.source === source);
    if (ofSource.length === 0) continue;
    const votes = new Map<string, { count: number; latest: number }>();
    for (const l of ofSource) {
      const v = votes.get(l.label) ?? { count: 0, latest: 0 };
      votes.set(l.label, { count: v.count + 1, latest: Math.max(v.latest, l.updatedAt) });
    }
    let best: [string, { count: number; latest: number }] | null = null;
    for (const entry of votes) {
      if (!best || entry[1].count > best[1].count || (entry[1].count === best[1].count && entry[1].latest > best[1].latest))
        best = entry;
    }
    return { label: best![0], source };
  }
  return null;
}

export function sameEffective(a: EffectiveLabel | null, b: EffectiveLabel | null): boolean {
  return a === null || b === null ? a === b : a.label === b.label && a.source === b.source;
}
