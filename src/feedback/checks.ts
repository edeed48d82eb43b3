import type { FeedbackSettings } from '../models/model-settings.js';
import {
  type ClassCoverage,
  exposureConcentration,
  type GiniStats,
  priorShift,
  selectionCoverage,
} from './distribution-checks.js';
import type { FeedbackCheck, FeedbackReport } from './feedback.types.js';
import { explorationShare, implicitEcho, missingPropensities, modelDrivenShare, selfAgreementGap } from './label-checks.js';
import { type CompositionRow, tally } from './tally.js';

/** Everything the checks read, already aggregated by the database. */
export interface CheckInput {
  model: string;
  settings: FeedbackSettings;
  composition: readonly CompositionRow[];
  coverage: readonly ClassCoverage[];
  labelsByClass: Record<string, number>;
  /** counts.byClass of the previous done export, or null when there is none. */
  previousExportByClass: Record<string, number> | null;
  /** The window's exposures, or null when the window has no start (they are not read then). */
  exposures: GiniStats | null;
  /** The previous window of the same length, or null when the window has no start. */
  previousExposures: GiniStats | null;
}

export function runChecks(input: CheckInput): FeedbackCheck[] {
  const { model, settings: s } = input;
  const t = tally(input.composition);
  return [
    explorationShare(model, t, s),
    modelDrivenShare(model, t, s),
    selfAgreementGap(model, t, s),
    selectionCoverage(model, input.coverage, s),
    implicitEcho(model, t, s),
    priorShift(model, input.labelsByClass, input.previousExportByClass, s),
    exposureConcentration(model, input.exposures, input.previousExposures, s),
    missingPropensities(model, t, s),
  ];
}

/** The most severe finding; 'unknown' checks do not raise it. */
export function worstOf(checks: readonly FeedbackCheck[]): FeedbackReport['worst'] {
  if (checks.some((c) => c.severity === 'block')) return 'block';
  return checks.some((c) => c.severity === 'warn') ? 'warn' : 'ok';
}
