import { bucketOf, GRAINS, type Grain } from '../slices/window.js';
import type { LabelCountRow } from './feedback.repository.js';

/** What a prediction contributes to the feedback cells besides its label; fixed at ingest. */
export interface FeedbackPrediction {
  model: string;
  modelVersion: string;
  ts: number;
  predicted: string;
  /** '' when no exposure policy was logged. */
  policy: string;
  missingPropensity: boolean;
}

/** An effective label as the cells key it: '' source and label are "unlabeled". */
export interface FeedbackLabel {
  source: string;
  label: string;
}

export const NO_LABEL: Readonly<FeedbackLabel> = Object.freeze({ source: '', label: '' });

export interface FeedbackCellKey extends FeedbackLabel {
  model: string;
  grain: Grain;
  bucket: number;
  modelVersion: string;
  predicted: string;
  policy: string;
  missing: 0 | 1;
}

/** The prediction's cell at each grain. */
export function feedbackCellsOf(p: FeedbackPrediction, label: FeedbackLabel): FeedbackCellKey[] {
  return GRAINS.map((grain) => ({
    model: p.model,
    grain,
    bucket: bucketOf(p.ts, grain),
    modelVersion: p.modelVersion,
    predicted: p.predicted,
    policy: p.policy,
    missing: p.missingPropensity ? 1 : 0,
    source: label.source,
    label: label.label,
  }));
}

/** The cell's key values in the order of the table's primary key. */
export function feedbackKeyValues(c: FeedbackCellKey): (string | number)[] {
  return [c.model, c.grain, c.bucket, c.modelVersion, c.predicted, c.policy, c.missing, c.source, c.label];
}

export const feedbackCellId = (c: FeedbackCellKey) => feedbackKeyValues(c).join('\u0000');

/** Count changes per cell, summed in memory so that each cell is written once per transaction. */
export class FeedbackDeltas {
  private readonly byCell = new Map<string, { cell: FeedbackCellKey; delta: number }>();

  add(cells: readonly FeedbackCellKey[], delta: number): void {
    for (const cell of cells) {
      const id = feedbackCellId(cell);
      const entry = this.byCell.get(id);
      if (entry) entry.delta += delta;
      else this.byCell.set(id, { cell, delta });
    }
  }

  move(p: FeedbackPrediction, before: FeedbackLabel, after: FeedbackLabel): void {
    if (before.source === after.source && before.label === after.label) return;
    this.add(feedbackCellsOf(p, before), -1);
    this.add(feedbackCellsOf(p, after), 1);
  }

  /** The non-zero changes in key order (a fixed order of writes keeps PostgreSQL's row locks deadlock-free). */
  changes(): { cell: FeedbackCellKey; delta: number }[] {
    return [...this.byCell.entries()]
      .filter(([, e]) => e.delta !== 0)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, e]) => e);
  }
}

/** A summed cell as the report reads it: the grouping of FeedbackReads.labelCounts. */
export interface FeedbackCellSum {
  predicted: string;
  policy: string;
  missing: number;
  source: string;
  label: string;
  n: number;
}

/** Summed cells as the report's label-count rows ('' back to null, zero sums dropped). */
export function labelCountRowsOf(sums: Iterable<FeedbackCellSum>): LabelCountRow[] {
  const out: LabelCountRow[] = [];
  for (const s of sums) {
    if (s.n === 0) continue;
    out.push({
      predicted: s.predicted,
      label: s.label === '' ? null : s.label,
      policy: s.policy === '' ? null : s.policy,
      source: s.source === '' ? null : s.source,
      missing: Number(s.missing) === 1,
      n: s.n,
    });
  }
  return out;
}
