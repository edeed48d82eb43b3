import { Module } from '@nestjs/common';
import { ExportsModule } from '../../exports/exports.module.js';
import { FeedbackModule } from '../../feedback/feedback.module.js';
import { ModelsModule } from '../../models/models.module.js';
import { ExportsPageController } from './exports-page.controller.js';
import { ExportsPageService } from './exports-page.service.js';

/** The exports page: the feedback-loop report, the export form and the model's exports. */
@Module({
  imports: [ModelsModule, FeedbackModule, ExportsModule],
  controllers: [ExportsPageController],
  providers: [ExportsPageService],
})
export class ExportsPageModule {}
