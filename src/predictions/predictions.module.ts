import { Module } from '@nestjs/common';
import { ModelsModule } from '../models/models.module.js';
import { PredictionsController } from './predictions.controller.js';
import { PredictionsRepository } from './predictions.repository.js';
import { PredictionsService } from './predictions.service.js';

@Module({
  imports: [ModelsModule],
  controllers: [PredictionsController],
  providers: [PredictionsRepository, PredictionsService],
  exports: [PredictionsService],
})
export class PredictionsModule {}
