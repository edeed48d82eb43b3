import { Module } from '@nestjs/common';
import { LabelingModule } from '../../labeling/labeling.module.js';
import { ModelsModule } from '../../models/models.module.js';
import { LabelingPageController } from './labeling-page.controller.js';

/** The labeling queue pages: the batches of every model, and one model's queue. */
@Module({
  imports: [ModelsModule, LabelingModule],
  controllers: [LabelingPageController],
})
export class LabelingPageModule {}
