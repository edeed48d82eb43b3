import { Module } from '@nestjs/common';
import { ModelsModule } from '../models/models.module.js';
import { PredictionsModule } from '../predictions/predictions.module.js';
import { QualityController } from './quality.controller.js';
import { QualityRepository } from './quality.repository.js';
import { QualityRollup } from './quality-rollup.service.js';
import { QualityService } from './quality.service.js';

@Module({
  imports: [ModelsModule, PredictionsModule],
  controllers: [QualityController],
  providers: [QualityRepository, QualityRollup, QualityService],
  exports: [QualityRollup, QualityService],
})
export class QualityModule {}
