import { Module } from '@nestjs/common';
import { ModelsModule } from '../models/models.module.js';
import { PredictionSearchRepository } from './prediction-search.repository.js';
import { PredictionSearchService } from './prediction-search.service.js';
import { PredictionsController } from './predictions.controller.js';
import { PredictionsRepository } from './predictions.repository.js';
import { PredictionsService } from './predictions.service.js';

@Module({
  imports: [ModelsModule],
  controllers: [PredictionsController],
  providers: [PredictionsRepository, PredictionsService, PredictionSearchRepository, PredictionSearchService],
  exports: [PredictionsService, PredictionSearchService],
})
export class PredictionsModule {}
