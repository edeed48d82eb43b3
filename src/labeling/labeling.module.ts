import { Module } from '@nestjs/common';
import { LabelsModule } from '../labels/labels.module.js';
import { ModelsModule } from '../models/models.module.js';
import { PredictionsModule } from '../predictions/predictions.module.js';
import { CandidatesRepository } from './candidates.repository.js';
import { LabelingController } from './labeling.controller.js';
import { LabelingRepository } from './labeling.repository.js';
import { LabelingService } from './labeling.service.js';
import { SelectionService } from './selection.service.js';
import { TaskHistoryRepository } from './task-history.repository.js';
import { TaskHistoryService } from './task-history.service.js';

@Module({
  imports: [ModelsModule, LabelsModule, PredictionsModule],
  controllers: [LabelingController],
  providers: [
    CandidatesRepository,
    LabelingRepository,
    SelectionService,
    LabelingService,
    TaskHistoryRepository,
    TaskHistoryService,
  ],
  exports: [LabelingService, TaskHistoryService],
})
export class LabelingModule {}
