import { Module } from '@nestjs/common';
import { FeedbackModule } from '../feedback/feedback.module.js';
import { FeedbackService } from '../feedback/feedback.service.js';
import { ModelsModule } from '../models/models.module.js';
import { AgreementRowsRepository } from './agreement-rows.repository.js';
import { ExportRowsRepository } from './export-rows.repository.js';
import { ExportRunner } from './export-runner.js';
import { ExportsController } from './exports.controller.js';
import { ExportsProcessor } from './exports.processor.js';
import { ExportsRepository } from './exports.repository.js';
import { ExportsService } from './exports.service.js';
import { ReportSource } from './report-source.js';

@Module({
  imports: [ModelsModule, FeedbackModule],
  controllers: [ExportsController],
  providers: [
    { provide: ReportSource, useExisting: FeedbackService },
    ExportsRepository,
    ExportRowsRepository,
    AgreementRowsRepository,
    ExportRunner,
    ExportsService,
    ExportsProcessor,
  ],
  exports: [ExportsService],
})
export class ExportsModule {}
