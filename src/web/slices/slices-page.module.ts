import { Module } from '@nestjs/common';
import { AlertsModule } from '../../alerts/alerts.module.js';
import { LabelingModule } from '../../labeling/labeling.module.js';
import { ModelsModule } from '../../models/models.module.js';
import { MonitoringModule } from '../../monitoring/monitoring.module.js';
import { SlicesModule } from '../../slices/slices.module.js';
import { SlicesPageController } from './slices-page.controller.js';
import { SlicesPageService } from './slices-page.service.js';

/** The accuracy-by-slice page: the slices report with its firing alerts and label-free estimates, and a button that queues labeling. */
@Module({
  imports: [ModelsModule, SlicesModule, AlertsModule, LabelingModule, MonitoringModule],
  controllers: [SlicesPageController],
  providers: [SlicesPageService],
})
export class SlicesPageModule {}
