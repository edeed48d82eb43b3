import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { JobQueue, QueueName } from '../jobs/job-queue.js';
import { JobRecovery } from '../jobs/job-recovery.js';
import { LABEL_TICK_JOB } from './events.service.js';
import { JoinService } from './join.service.js';

/** How often windows are closed and pending events retried without any request arriving. */
export const LABEL_TICK_EVERY_MS = 5000;

@Injectable()
export class EventsProcessor implements OnModuleInit {
  private readonly logger = new Logger(EventsProcessor.name);

  constructor(
    private readonly jobs: JobQueue,
    private readonly recovery: JobRecovery,
    private readonly join: JoinService,
  ) {}

  onModuleInit(): void {
    this.jobs.process(
      QueueName.Labels,
      async (job) => {
        if (job.name !== LABEL_TICK_JOB) return null;
        const result = await this.join.tick();
        if (result.applied + result.implicit + result.orphaned > 0) this.logger.debug(result, 'label tick');
        return result;
      },
      { concurrency: 1 },
    );
    this.recovery.register('labels', async () => {
      await this.jobs.repeat(QueueName.Labels, LABEL_TICK_JOB, LABEL_TICK_EVERY_MS, {});
      // Not under the shared job id: a killed worker's tick can still look active in Redis until its
      // lock expires, and a second tick is harmless (the join re-derives its work from the database).
      await this.jobs.add(QueueName.Labels, LABEL_TICK_JOB, {}, { attempts: 5, backoffMs: 1000 });
    });
  }
}
