import { Module } from '@nestjs/common';
import { LabelsModule } from '../labels/labels.module.js';
import { ModelsModule } from '../models/models.module.js';
import { PredictionsModule } from '../predictions/predictions.module.js';
import { EventsController } from './events.controller.js';
import { EventsProcessor } from './events.processor.js';
import { EventsRepository } from './events.repository.js';
import { EventsService } from './events.service.js';
import { JoinService } from './join.service.js';

@Module({
  imports: [ModelsModule, LabelsModule, PredictionsModule],
  controllers: [EventsController],
  providers: [EventsRepository, EventsService, JoinService, EventsProcessor],
  exports: [EventsService, JoinService],
})
export class EventsModule {}
