import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { JobQueue, QueueName } from '../jobs/job-queue.js';
import { JobRecovery } from '../jobs/job-recovery.js';
import { MetricsService } from '../ops/metrics.service.js';
import { RetentionService } from './retention.service.js';

export const RETENTION_JOB = 'retention';
export const RETENTION_JOB_ID = 'retention-now';

/** Runs the retention job every RETENTION_EVERY (and once at start-up), on either job driver. */
@Injectable()
export class RetentionProcessor implements OnModuleInit {
  private readonly logger = new Logger(RetentionProcessor.name);
  private readonly deleted;

  constructor(
    private readonly jobs: JobQueue,
    private readonly recovery: JobRecovery,
    private readonly retention: RetentionService,
    metrics: MetricsService,
  ) {
    this.deleted = metrics.counter(
      'relabel_retention_deleted_total',
      'Rows (and export files) deleted by the retention job, by kind',
      ['kind'],
    );
  }

  onModuleInit(): void {
    this.jobs.process(
      QueueName.Maintenance,
      async (job) => {
        if (job.name !== RETENTION_JOB) return null;
        const result = await this.retention.run();
        for (const [kind, n] of Object.entries(result)) if (n > 0) this.deleted.inc({ kind }, n);
        if (Object.values(result).some((n) => n > 0)) this.logger.log(result, 'retention');
        return result;
      },
      { concurrency: 1 },
    );
    this.recovery.register('retention', async () => {
      await this.jobs.repeat(QueueName.Maintenance, RETENTION_JOB, this.retention.policy.everyMs, {});
      await this.requestRun();
    });
  }

  /** Queues a run now unless one is already waiting. */
  requestRun(): Promise<string> {
    return this.jobs.add(QueueName.Maintenance, RETENTION_JOB, {}, { jobId: RETENTION_JOB_ID });
  }
}
