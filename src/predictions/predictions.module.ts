import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { ModelsModule } from '../models/models.module.js';
import { PredictionsController } from './predictions.controller.js';
import { PredictionsRepository } from './predictions.repository.js';
import { PredictionsService } from './predictions.service.js';

@Module({
  imports: [ModelsModule, EventsModule],
  controllers: [PredictionsController],
  providers: [PredictionsRepository, PredictionsService],
  exports: [PredictionsService, PredictionsRepository],
})
export class PredictionsModule {}
