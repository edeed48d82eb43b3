import { Module } from '@nestjs/common';
import { LabelingModule } from '../../labeling/labeling.module.js';
import { LabelsModule } from '../../labels/labels.module.js';
import { ModelsModule } from '../../models/models.module.js';
import { PredictionsModule } from '../../predictions/predictions.module.js';
import { SlicesModule } from '../../slices/slices.module.js';
import { PredictionsPageController } from './predictions-page.controller.js';
import { PredictionsPageService } from './predictions-page.service.js';

/** The prediction explorer and the prediction page (features, scores and the timeline from log to label). */
@Module({
  imports: [ModelsModule, PredictionsModule, SlicesModule, LabelsModule, LabelingModule],
  controllers: [PredictionsPageController],
  providers: [PredictionsPageService],
})
export class PredictionsPageModule {}
