import { type BeforeApplicationShutdown, Global, Inject, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/config.js';
import { Db } from '../database/db.js';
import { MetricsService } from '../ops/metrics.service.js';
import { BullMqJobQueue } from './bullmq.driver.js';
import { InProcessJobQueue } from './in-process.driver.js';
import { JobObserver } from './job-observer.js';
import { JobQueue } from './job-queue.js';
import { JobRecovery } from './job-recovery.js';
import { jobThreadQueue } from './job-thread.options.js';
import { ThreadJobQueue } from './thread.driver.js';

export function createJobQueue(config: AppConfig, metrics?: MetricsService, db?: Db): JobQueue {
  const observer = new JobObserver(metrics);
  if (config.jobThreadSide === 'api') {
    if (!db?.turns) throw new Error('the job thread needs the write turns of the database');
    // The job thread watches its own loop; this one serves the requests.
    observer.watchStalls('the job thread');
    const jobs = jobThreadQueue(config, db.turns, () => observer.close());
    // The thread counts its own queues (relabel_queue_jobs) and reports them through metrics().
    metrics?.addSource(() => jobs.metrics());
    return jobs;
  }
  const jobs = config.REDIS_URL
    ? new BullMqJobQueue({ url: config.REDIS_URL, prefix: config.QUEUE_PREFIX, runsWorkers: config.runsWorkers, observer })
    : new InProcessJobQueue({ observer });
  observer.watchDepth(jobs);
  // A CLI's context (ROLE=api, no Redis) runs no jobs and serves no requests: nothing to watch.
  if (config.runsWorkers) observer.watchStalls();
  else if (config.REDIS_URL) observer.watchStalls('the worker processes');
  return jobs;
}

@Global()
@Module({
  providers: [
    { provide: JobQueue, useFactory: createJobQueue, inject: [AppConfig, MetricsService, { token: Db, optional: true }] },
    JobRecovery,
  ],
  exports: [JobQueue, JobRecovery],
})
export class JobsModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(JobQueue) private readonly jobs: JobQueue,
    @Inject(JobRecovery) private readonly recovery: JobRecovery,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // The thread starts once this side is set up (migrated, admin token made): it runs the recoveries.
    if (this.jobs instanceof ThreadJobQueue) await this.jobs.start();
    if (this.config.runsWorkers) await this.recovery.runAll();
  }

  // Before, not on, application shutdown: running jobs still need the database, which closes on shutdown.
  async beforeApplicationShutdown(): Promise<void> {
    await this.jobs.close();
  }
}
