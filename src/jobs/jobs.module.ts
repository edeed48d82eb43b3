import { type BeforeApplicationShutdown, Global, Inject, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/config.js';
import { MetricsService } from '../ops/metrics.service.js';
import { BullMqJobQueue } from './bullmq.driver.js';
import { InProcessJobQueue } from './in-process.driver.js';
import { JobObserver } from './job-observer.js';
import { JobQueue } from './job-queue.js';
import { JobRecovery } from './job-recovery.js';

export function createJobQueue(config: AppConfig, metrics?: MetricsService): JobQueue {
  const observer = new JobObserver(metrics);
  const jobs = config.REDIS_URL
    ? new BullMqJobQueue({ url: config.REDIS_URL, prefix: config.QUEUE_PREFIX, runsWorkers: config.runsWorkers, observer })
    : new InProcessJobQueue({ observer });
  observer.watchDepth(jobs);
  return jobs;
}

@Global()
@Module({
  providers: [{ provide: JobQueue, useFactory: createJobQueue, inject: [AppConfig, MetricsService] }, JobRecovery],
  exports: [JobQueue, JobRecovery],
})
export class JobsModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(JobQueue) private readonly jobs: JobQueue,
    @Inject(JobRecovery) private readonly recovery: JobRecovery,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.runsWorkers) await this.recovery.runAll();
  }

  // Before, not on, application shutdown: running jobs still need the database, which closes on shutdown.
  async beforeApplicationShutdown(): Promise<void> {
    await this.jobs.close();
  }
}
