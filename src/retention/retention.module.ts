import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module.js';
import { EventsModule } from '../events/events.module.js';
import { ExportsModule } from '../exports/exports.module.js';
import { LabelsModule } from '../labels/labels.module.js';
import { RetentionProcessor } from './retention.processor.js';
import { RetentionService } from './retention.service.js';

@Module({
  imports: [ExportsModule, LabelsModule, AlertsModule, EventsModule],
  providers: [RetentionService, RetentionProcessor],
  exports: [RetentionService, RetentionProcessor],
})
export class RetentionModule {}
