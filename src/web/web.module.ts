import { Module } from '@nestjs/common';
import { ExportsPageModule } from './exports/exports-page.module.js';
import { HomePageModule } from './home/home-page.module.js';
import { LabelingPageModule } from './labeling/labeling-page.module.js';
import { LoginPageModule } from './login/login-page.module.js';
import { MonitoringPageModule } from './monitoring/monitoring-page.module.js';
import { SlicesPageModule } from './slices/slices-page.module.js';

/** The pages. Each page module calls feature services only; templates are under views/. */
@Module({
  imports: [HomePageModule, LoginPageModule, LabelingPageModule, SlicesPageModule, ExportsPageModule, MonitoringPageModule],
})
export class WebModule {}
