import type { FeedbackCheck, FeedbackReport } from '../feedback/feedback.types.js';
import type { ColumnSpec, ExportFormat, ExportRow, Mitigation } from './export-row.js';
import type { LabelQualitySummary } from './label-quality-policy.js';
import type { SplitParams } from './row-policy.js';

export interface ExportParameters {
  format: ExportFormat;
  /** ISO 8601, prediction time from (inclusive) and to (exclusive). */
  from: string | null;
  to: string | null;
  versions: string[];
  labelSources: string[];
  split: SplitParams;
  mitigation: Mitigation;
  /** request: named in the request; recommendation: the feedback report's recommended one. Absent on older exports. */
  mitigationChosenBy?: 'request' | 'recommendation';
  /** Why the recommendation chose it (recommendation only). */
  mitigationReason?: string | null;
  maxIpsWeight: number;
}

export interface AcknowledgedCheck {
  name: string;
  severity: FeedbackCheck['severity'];
  value: number | null;
  threshold: number | null;
}

export interface ExportAcknowledgement {
  by: { tokenId: string; name: string };
  at: string;
  checks: AcknowledgedCheck[];
}

export interface ExportCounts {
  byClass: Record<string, number>;
  byLabelSource: Record<string, number>;
  bySplit: Record<string, number>;
  bySlice: Record<string, Record<string, number>>;
}

export interface WeightSummary {
  min: number | null;
  max: number | null;
  mean: number | null;
  missingPropensity: number;
}

export interface ExportManifest {
  id: string;
  model: string;
  format: ExportFormat;
  file: string;
  parameters: ExportParameters;
  report: FeedbackReport;
  acknowledgement: ExportAcknowledgement | null;
  rowCount: number;
  bytes: number;
  sha256: string;
  columns: ColumnSpec[];
  counts: ExportCounts;
  weights: WeightSummary;
  /** The mitigation applied, who chose it and why. */
  mitigation: { name: Mitigation; chosenBy: 'request' | 'recommendation'; reason: string | null };
  /** label_quality only: its definition, the verdict and weight per source+class, class totals. */
  labelQuality: LabelQualitySummary | null;
  createdAt: string;
  finishedAt: string;
}

/** Counts and weight range of the rows written, kept as they stream past. */
export class ManifestTally {
  readonly counts: ExportCounts = { byClass: {}, byLabelSource: {}, bySplit: {}, bySlice: {} };
  rowCount = 0;
  private weightSum = 0;
  private min = Infinity;
  private max = -Infinity;

  add(row: ExportRow): void {
    this.rowCount++;
    bump(this.counts.byClass, row.label);
    bump(this.counts.byLabelSource, row.labelSource);
    bump(this.counts.bySplit, row.split);
    for (const [key, value] of Object.entries(row.slices)) bump((this.counts.bySlice[key] ??= {}), value);
    this.weightSum += row.weight;
    this.min = Math.min(this.min, row.weight);
    this.max = Math.max(this.max, row.weight);
  }

  weights(missingPropensity: number): WeightSummary {
    if (this.rowCount === 0) return { min: null, max: null, mean: null, missingPropensity };
    return { min: this.min, max: this.max, mean: this.weightSum / this.rowCount, missingPropensity };
  }
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** The JSONL record's shape, described for the manifest like the flat columns are. */
export function nestedColumns(flat: ColumnSpec[]): ColumnSpec[] {
  const nested = new Map<string, ColumnSpec>();
  for (const column of flat) {
    const prefix = /^(feature|score|slice)\./.exec(column.name)?.[1];
    const name = prefix === undefined ? column.name : `${prefix}s`;
    if (!nested.has(name)) nested.set(name, prefix === undefined ? column : { name, type: 'object' });
  }
  return [...nested.values()];
}
