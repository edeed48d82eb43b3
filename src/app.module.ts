import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AlertsModule } from './alerts/alerts.module.js';
import { AuthModule } from './auth/auth.module.js';
import { AllExceptionsFilter } from './common/all-exceptions.filter.js';
import { createValidationPipe } from './common/validation.js';
import { AppConfig } from './config/config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import type { Db } from './database/db.js';
import { EventsModule } from './events/events.module.js';
import { ExportsModule } from './exports/exports.module.js';
import { FeedbackModule } from './feedback/feedback.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { LabelingModule } from './labeling/labeling.module.js';
import { LabelsModule } from './labels/labels.module.js';
import { ModelsModule } from './models/models.module.js';
import { MonitoringModule } from './monitoring/monitoring.module.js';
import { loggerOptions } from './ops/logging.js';
import { OpsModule } from './ops/ops.module.js';
import { PredictionsModule } from './predictions/predictions.module.js';
import { QualityModule } from './quality/quality.module.js';
import { SlicesModule } from './slices/slices.module.js';
import { WeakModule } from './weak/weak.module.js';
import { WebModule } from './web/web.module.js';
import { RetentionModule } from './retention/retention.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, db: Db): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forDb(db),
        LoggerModule.forRoot(loggerOptions(config)),
        OpsModule,
        JobsModule,
        AuthModule,
        ModelsModule,
        PredictionsModule,
        EventsModule,
        LabelsModule,
        LabelingModule,
        SlicesModule,
        QualityModule,
        AlertsModule,
        MonitoringModule,
        FeedbackModule,
        ExportsModule,
        WeakModule,
        WebModule,
        RetentionModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
