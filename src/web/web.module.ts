import { Module } from '@nestjs/common';
import { ExportsPageModule } from './exports/exports-page.module.js';
import { HomePageModule } from './home/home-page.module.js';
import { LabelingFunctionsPageModule } from './labeling-functions/labeling-functions-page.module.js';
import { LabelingPageModule } from './labeling/labeling-page.module.js';
import { NavModule } from './nav/nav.module.js';
import { LoginPageModule } from './login/login-page.module.js';
import { PredictionsPageModule } from './predictions/predictions-page.module.js';
import { SettingsPageModule } from './settings/settings-page.module.js';
import { QualityPageModule } from './quality/quality-page.module.js';
import { MonitoringPageModule } from './monitoring/monitoring-page.module.js';
import { SlicesPageModule } from './slices/slices-page.module.js';

/** The pages. Each page module calls feature services only; templates are under views/. */
@Module({
  imports: [
    NavModule,
    HomePageModule,
    LoginPageModule,
    LabelingPageModule,
    SlicesPageModule,
    ExportsPageModule,
    PredictionsPageModule,
    SettingsPageModule,
    QualityPageModule,
    LabelingFunctionsPageModule,
    MonitoringPageModule,
  ],
})
export class WebModule {}
