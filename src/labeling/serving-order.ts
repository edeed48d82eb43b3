/**
 * The order tasks are served in: the groups (each class's picks, the audit sample) interleaved in
 * proportion to their size, each group in its own rank order. Labelers see a mix from the first
 * task, and a batch stopped halfway still holds the most informative items of every class.
 * `items` must be in rank order within each group.
 */
export function servingOrder<T>(items: readonly T[], groupOf: (item: T) => string): T[] {
  const sizes = new Map<string, number>();
  for (const item of items) sizes.set(groupOf(item), (sizes.get(groupOf(item)) ?? 0) + 1);
  const groupIndex = new Map([...sizes.keys()].map((g, i) => [g, i]));
  const seen = new Map<string, number>();
  const keyed = items.map((item) => {
    const group = groupOf(item);
    const rank = seen.get(group) ?? 0;
    seen.set(group, rank + 1);
    return { item, at: (rank + 0.5) / sizes.get(group)!, group: groupIndex.get(group)! };
  });
  return keyed.sort((a, b) => a.at - b.at || a.group - b.group).map((k) => k.item);
}
