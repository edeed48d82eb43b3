import type { ProgressRow } from '../../src/labeling/progress.js';

/** One class (or the audit sample) of a batch's progress, all counts 0 unless given. */
export const aProgressRow = (cls: string, audit: boolean, counts: Partial<ProgressRow>): ProgressRow => ({
  batchId: 'b',
  cls,
  audit,
  items: 0,
  completedItems: 0,
  done: 0,
  skipped: 0,
  leased: 0,
  pending: 0,
  ...counts,
});
