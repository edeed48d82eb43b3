import { Module } from '@nestjs/common';
import { LabelsModule } from '../labels/labels.module.js';
import { ModelsModule } from '../models/models.module.js';
import { PredictionsModule } from '../predictions/predictions.module.js';
import { LabelModelService } from './label-model.service.js';
import { WeakFunctionsService } from './weak-functions.service.js';
import { WeakVotesService } from './weak-votes.service.js';
import { WeakController } from './weak.controller.js';
import { WeakProcessor } from './weak.processor.js';
import { WeakRepository } from './weak.repository.js';

@Module({
  imports: [ModelsModule, PredictionsModule, LabelsModule],
  controllers: [WeakController],
  providers: [WeakRepository, WeakFunctionsService, WeakVotesService, LabelModelService, WeakProcessor],
  exports: [WeakFunctionsService],
})
export class WeakModule {}
