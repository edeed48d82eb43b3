import type { FeedbackQuery, FeedbackReport } from '../feedback/feedback.types.js';

/** The feedback-loop report, as exports need it (FeedbackService provides it). */
export abstract class ReportSource {
  abstract report(model: string, query: FeedbackQuery): Promise<FeedbackReport>;
}
