import { Module } from '@nestjs/common';
import { WeakModule } from '../../weak/weak.module.js';
import { LabelingFunctionsPageController } from './labeling-functions-page.controller.js';
import { LabelingFunctionsPageService } from './labeling-functions-page.service.js';

@Module({
  imports: [WeakModule],
  controllers: [LabelingFunctionsPageController],
  providers: [LabelingFunctionsPageService],
})
export class LabelingFunctionsPageModule {}
