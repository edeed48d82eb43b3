import { Module } from '@nestjs/common';
import { AlertsModule } from '../../alerts/alerts.module.js';
import { ExportsModule } from '../../exports/exports.module.js';
import { LabelingModule } from '../../labeling/labeling.module.js';
import { ModelsModule } from '../../models/models.module.js';
import { QualityModule } from '../../quality/quality.module.js';
import { SlicesModule } from '../../slices/slices.module.js';
import { HomeController } from './home.controller.js';
import { HomePageService } from './home-page.service.js';

@Module({
  imports: [ModelsModule, QualityModule, SlicesModule, AlertsModule, LabelingModule, ExportsModule],
  controllers: [HomeController],
  providers: [HomePageService],
})
export class HomePageModule {}
