import { Module } from '@nestjs/common';
import { ModelsController } from './models.controller.js';
import { ModelsRepository } from './models.repository.js';
import { ModelsService } from './models.service.js';

@Module({
  controllers: [ModelsController],
  providers: [ModelsRepository, ModelsService],
  exports: [ModelsService],
})
export class ModelsModule {}
