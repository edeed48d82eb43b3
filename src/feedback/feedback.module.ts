import { Module } from '@nestjs/common';
import { ModelsModule } from '../models/models.module.js';
import { QualityModule } from '../quality/quality.module.js';
import { FeedbackCellsModule } from './feedback-cells.module.js';
import { AgreementTallies } from './agreement-tallies.js';
import { FeedbackController } from './feedback.controller.js';
import { FeedbackRepository } from './feedback.repository.js';
import { FeedbackService } from './feedback.service.js';
import { QualityAgreementTallies } from './quality-agreement-tallies.js';

@Module({
  imports: [ModelsModule, QualityModule, FeedbackCellsModule],
  controllers: [FeedbackController],
  providers: [FeedbackRepository, FeedbackService, { provide: AgreementTallies, useClass: QualityAgreementTallies }],
  exports: [FeedbackService],
})
export class FeedbackModule {}
