import { Module } from '@nestjs/common';
import { ModelsModule } from '../models/models.module.js';
import { SlicesModule } from '../slices/slices.module.js';
import { AlertsController } from './alerts.controller.js';
import { AlertsProcessor } from './alerts.processor.js';
import { AlertsRepository } from './alerts.repository.js';
import { AlertsService } from './alerts.service.js';
import { DriftAlerts } from './drift-alerts.service.js';
import { AlertWebhook } from './webhook.service.js';

@Module({
  imports: [ModelsModule, SlicesModule],
  controllers: [AlertsController],
  providers: [AlertsRepository, AlertWebhook, AlertsService, AlertsProcessor, DriftAlerts],
  exports: [AlertsService, DriftAlerts],
})
export class AlertsModule {}
