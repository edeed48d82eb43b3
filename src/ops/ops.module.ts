import { Global, Module } from '@nestjs/common';
import { HealthService } from './health.service.js';
import { MetricsService } from './metrics.service.js';
import { OpsController } from './ops.controller.js';

@Global()
@Module({
  controllers: [OpsController],
  providers: [MetricsService, HealthService],
  exports: [MetricsService],
})
export class OpsModule {}
