import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module.js';
import { LabelingModule } from '../labeling/labeling.module.js';
import { ModelsModule } from '../models/models.module.js';
import { SlicesPageController } from './slices-page.controller.js';
import { SlicesPageRepository } from './slices-page.repository.js';
import { SlicesPageService } from './slices-page.service.js';
import { SlicesModule } from './slices.module.js';

/** The accuracy-by-slice page: apart from SlicesModule because it also shows alerts and queues labeling. */
@Module({
  imports: [ModelsModule, SlicesModule, AlertsModule, LabelingModule],
  controllers: [SlicesPageController],
  providers: [SlicesPageRepository, SlicesPageService],
})
export class SlicesPageModule {}
