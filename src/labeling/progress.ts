/** Counts of one batch's items and their labels, in total, per quota class and for the audit sample. */
export interface ProgressCounts {
  items: number;
  /** Items with all their labels. */
  completedItems: number;
  /** Labels given, skips, tasks leased now, tasks waiting (expired leases included). */
  done: number;
  skipped: number;
  leased: number;
  pending: number;
}

export interface BatchProgress extends ProgressCounts {
  status: 'open' | 'complete';
  labelsWanted: number;
  /** done / labelsWanted, in percent with one decimal. */
  percent: number;
  perClass: Record<string, ProgressCounts>;
  audit: ProgressCounts;
}

/** One row of LabelingRepository.progress: the counts of a batch's items of one class, audit or not. */
export interface ProgressRow extends ProgressCounts {
  batchId: string;
  cls: string;
  audit: boolean;
}

const zero = (): ProgressCounts => ({ items: 0, completedItems: 0, done: 0, skipped: 0, leased: 0, pending: 0 });

function add(into: ProgressCounts, row: ProgressCounts): void {
  into.items += row.items;
  into.completedItems += row.completedItems;
  into.done += row.done;
  into.skipped += row.skipped;
  into.leased += row.leased;
  into.pending += row.pending;
}

/** A batch's progress from its rows; `classes` are listed even when they have no items. */
export function batchProgress(rows: readonly ProgressRow[], labelsPerItem: number, classes: readonly string[]): BatchProgress {
  const total = zero();
  const audit = zero();
  const perClass: Record<string, ProgressCounts> = Object.fromEntries(classes.map((c) => [c, zero()]));
  for (const row of rows) {
    add(total, row);
    if (row.audit) add(audit, row);
    else add((perClass[row.cls] ??= zero()), row);
  }
  const labelsWanted = total.items * labelsPerItem;
  return {
    ...total,
    status: total.pending + total.leased > 0 ? 'open' : 'complete',
    labelsWanted,
    percent: labelsWanted === 0 ? 100 : Math.min(100, Math.round((1000 * total.done) / labelsWanted) / 10),
    perClass,
    audit,
  };
}
