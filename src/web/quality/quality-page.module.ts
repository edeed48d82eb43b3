import { Module } from '@nestjs/common';
import { ModelsModule } from '../../models/models.module.js';
import { QualityModule } from '../../quality/quality.module.js';
import { QualityPageController } from './quality-page.controller.js';
import { QualityPageService } from './quality-page.service.js';

/** The label-quality page. */
@Module({
  imports: [ModelsModule, QualityModule],
  controllers: [QualityPageController],
  providers: [QualityPageService],
})
export class QualityPageModule {}
