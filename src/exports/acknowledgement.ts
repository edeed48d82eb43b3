import type { FeedbackCheck, FeedbackReport } from '../feedback/feedback.types.js';

export interface AcknowledgementRequest {
  /** Accepts every 'warn' finding. */
  warnings: boolean;
  /**
   * Accepts every 'block' finding. Deliberately separate and never implied by `warnings`: a block
   * means the set would very likely teach the model its own decisions, so handing it out needs its
   * own explicit yes, recorded in the manifest.
   */
  blocking: boolean;
}

/** The findings of the report that the request does not acknowledge; empty means it may proceed. */
export function unacknowledged(report: FeedbackReport, ack: AcknowledgementRequest): FeedbackCheck[] {
  return report.checks.filter(
    (check) => (check.severity === 'warn' && !ack.warnings) || (check.severity === 'block' && !ack.blocking),
  );
}

/** The findings an accepted export acknowledged. */
export function findings(report: FeedbackReport): FeedbackCheck[] {
  return report.checks.filter((check) => check.severity === 'warn' || check.severity === 'block');
}
