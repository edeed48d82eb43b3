import { estimateFor, isBiased, type SliceEstimate } from '../quality/quality.service.js';
import { OVERALL } from './cells.js';
import type { SliceReportBody, SliceRow } from './report.js';

/** What each slice and the overall gain beside label accuracy. */
export interface EstimateFields {
  /** Accuracy over every prediction of the slice in the window, corrected with audit labels; null without them. */
  estimated: SliceEstimate['estimated'];
  /** Why estimated is null ('no_audit_labels', 'unaudited_stratum'); null when there is an estimate. */
  estimatedReason: SliceEstimate['estimatedReason'];
  /** Label accuracy lies outside the estimate's 95% interval. */
  biased: boolean;
  audit: SliceEstimate['audit'];
}

export type EstimatedReportBody = Omit<SliceReportBody, 'overall' | 'slices'> & {
  overall: SliceReportBody['overall'] & EstimateFields;
  slices: (SliceRow & EstimateFields)[];
};

function fields(labelAccuracy: number | null, e: SliceEstimate): EstimateFields {
  return { estimated: e.estimated, estimatedReason: e.estimatedReason, biased: isBiased(labelAccuracy, e), audit: e.audit };
}

/** The report with each slice's (and the overall's) corrected estimate, bias flag and audit plan. */
export function withEstimates(
  body: SliceReportBody,
  estimates: Map<string, SliceEstimate>,
  targetHalfWidth: number,
): EstimatedReportBody {
  const of = (key: string, value: string) => estimateFor(estimates, key, value, targetHalfWidth);
  return {
    ...body,
    overall: { ...body.overall, ...fields(body.overall.accuracy, of(OVERALL, OVERALL)) },
    slices: body.slices.map((s) => ({ ...s, ...fields(s.accuracy, of(s.key, s.value)) })),
  };
}
