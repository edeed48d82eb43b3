import type { AgreementCell } from '../quality/agreement.js';
import type { FeedbackQuery } from './feedback.types.js';

/**
 * The port the report reads label quality through: the maintained agreement tallies of a model in a
 * window (whole-model cells, key = value = '*', are all it needs). Provided by the quality module's
 * maintained cells; see feedback.module.ts for what is wired today.
 */
export abstract class AgreementTallies {
  abstract cells(model: string, window: FeedbackQuery): Promise<AgreementCell[]>;
}
