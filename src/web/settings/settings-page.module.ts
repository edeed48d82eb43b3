import { Module } from '@nestjs/common';
import { ModelsModule } from '../../models/models.module.js';
import { SettingsPageController } from './settings-page.controller.js';

@Module({
  imports: [ModelsModule],
  controllers: [SettingsPageController],
})
export class SettingsPageModule {}
