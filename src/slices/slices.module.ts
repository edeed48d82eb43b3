import { Module } from '@nestjs/common';
import { FeedbackCellsModule } from '../feedback/feedback-cells.module.js';
import { LabelsModule } from '../labels/labels.module.js';
import { ModelsModule } from '../models/models.module.js';
import { QualityModule } from '../quality/quality.module.js';
import { SliceRollups } from './rollups.service.js';
import { SliceSeriesRepository } from './slice-series.repository.js';
import { SlicesController } from './slices.controller.js';
import { SlicesProcessor } from './slices.processor.js';
import { SlicesRepository } from './slices.repository.js';
import { SlicesService } from './slices.service.js';

@Module({
  imports: [ModelsModule, LabelsModule, QualityModule, FeedbackCellsModule],
  controllers: [SlicesController],
  providers: [SlicesRepository, SliceSeriesRepository, SlicesService, SliceRollups, SlicesProcessor],
  exports: [SlicesService, SliceRollups, SlicesProcessor],
})
export class SlicesModule {}
