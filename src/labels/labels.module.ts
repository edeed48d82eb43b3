import { Module } from '@nestjs/common';
import { ModelsModule } from '../models/models.module.js';
import { LabelMetrics } from './label-metrics.js';
import { LabelsController } from './labels.controller.js';
import { LabelsRepository } from './labels.repository.js';
import { LabelsService } from './labels.service.js';

@Module({
  imports: [ModelsModule],
  controllers: [LabelsController],
  providers: [LabelsRepository, LabelsService, LabelMetrics],
  exports: [LabelsRepository, LabelsService, LabelMetrics],
})
export class LabelsModule {}
