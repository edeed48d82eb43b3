import { Module } from '@nestjs/common';
import { ModelsModule } from '../models/models.module.js';
import { PredictionsModule } from '../predictions/predictions.module.js';
import { LabelHistoryRepository } from './label-history.repository.js';
import { LabelHistoryService } from './label-history.service.js';
import { LabelOutbox } from './label-outbox.repository.js';
import { LabelMetrics } from './label-metrics.js';
import { LabelsController } from './labels.controller.js';
import { LabelsRepository } from './labels.repository.js';
import { LabelsService } from './labels.service.js';

@Module({
  imports: [ModelsModule, PredictionsModule],
  controllers: [LabelsController],
  providers: [LabelsRepository, LabelOutbox, LabelsService, LabelMetrics, LabelHistoryRepository, LabelHistoryService],
  exports: [LabelsService, LabelOutbox, LabelMetrics, LabelHistoryService],
})
export class LabelsModule {}
