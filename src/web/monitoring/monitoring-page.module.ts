import { Module } from '@nestjs/common';
import { AlertsModule } from '../../alerts/alerts.module.js';
import { ModelsModule } from '../../models/models.module.js';
import { MonitoringModule } from '../../monitoring/monitoring.module.js';
import { MonitoringPageController } from './monitoring-page.controller.js';
import { MonitoringPageService } from './monitoring-page.service.js';

@Module({
  imports: [ModelsModule, MonitoringModule, AlertsModule],
  controllers: [MonitoringPageController],
  providers: [MonitoringPageService],
})
export class MonitoringPageModule {}
