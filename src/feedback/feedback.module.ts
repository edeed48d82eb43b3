import { Module } from '@nestjs/common';
import { ModelsModule } from '../models/models.module.js';
import { AgreementRowsRepository } from '../exports/agreement-rows.repository.js';
import { ScannedAgreementTallies } from '../exports/scanned-agreement-tallies.js';
import { AgreementTallies } from './agreement-tallies.js';
import { FeedbackController } from './feedback.controller.js';
import { FeedbackRepository } from './feedback.repository.js';
import { FeedbackService } from './feedback.service.js';

@Module({
  imports: [ModelsModule],
  controllers: [FeedbackController],
  providers: [
    FeedbackRepository,
    FeedbackService,
    // Interim: a scan of the model's human-labeled predictions. The integrator replaces it with the
    // quality module's maintained cells (useExisting: an adapter over QualityService).
    AgreementRowsRepository,
    { provide: AgreementTallies, useClass: ScannedAgreementTallies },
  ],
  exports: [FeedbackService],
})
export class FeedbackModule {}
