import { Module } from '@nestjs/common';
import { PredictionsModule } from '../predictions/predictions.module.js';
import { FeedbackCellsRepository } from './feedback-cells.repository.js';
import { FeedbackRollup } from './feedback-rollup.service.js';

/** The feedback report's maintained tallies; the slice rollup moves labels in them, the report reads them. */
@Module({
  imports: [PredictionsModule],
  providers: [FeedbackCellsRepository, FeedbackRollup],
  exports: [FeedbackCellsRepository, FeedbackRollup],
})
export class FeedbackCellsModule {}
