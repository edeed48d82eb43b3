import { Global, Module, type OnApplicationShutdown } from '@nestjs/common';
import { HealthService } from './health.service.js';
import { MetricsService } from './metrics.service.js';
import { OpsController } from './ops.controller.js';
import { OpsMetrics } from './ops-metrics.js';
import { OpsRepository } from './ops.repository.js';
import { shutdownTracing } from './telemetry.js';

@Global()
@Module({
  controllers: [OpsController],
  providers: [MetricsService, HealthService, OpsRepository, OpsMetrics],
  exports: [MetricsService],
})
export class OpsModule implements OnApplicationShutdown {
  // Last, after the jobs have stopped: flushes the spans still buffered (a no-op without tracing).
  async onApplicationShutdown(): Promise<void> {
    await shutdownTracing();
  }
}
