import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module.js';
import { ModelsModule } from '../models/models.module.js';
import { PredictionsModule } from '../predictions/predictions.module.js';
import { SlicesModule } from '../slices/slices.module.js';
import { BaselinesRepository } from './baselines.repository.js';
import { BaselinesService } from './baselines.service.js';
import { DriftEvaluation } from './drift-evaluation.service.js';
import { DriftService } from './drift.service.js';
import { EstimatesService } from './estimates.service.js';
import { MonitoringController } from './monitoring.controller.js';
import { MonitoringProcessor } from './monitoring.processor.js';
import { ProfileWindows } from './profile-windows.service.js';
import { ProfilesRepository } from './profiles.repository.js';
import { ProfilesService } from './profiles.service.js';

/** Feature profiles, baselines, drift and label-free estimates. */
@Module({
  imports: [ModelsModule, PredictionsModule, SlicesModule, AlertsModule],
  controllers: [MonitoringController],
  providers: [
    ProfilesRepository,
    BaselinesRepository,
    ProfilesService,
    ProfileWindows,
    BaselinesService,
    DriftService,
    EstimatesService,
    DriftEvaluation,
    MonitoringProcessor,
  ],
  exports: [DriftService, EstimatesService, BaselinesService, ProfilesService, DriftEvaluation],
})
export class MonitoringModule {}
