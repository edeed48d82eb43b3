import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { JobQueue, QueueName } from '../jobs/job-queue.js';
import { JobRecovery } from '../jobs/job-recovery.js';
import { MetricsService } from '../ops/metrics.service.js';
import { SliceRollups } from './rollups.service.js';

export const ROLLUP_JOB = 'rollup';
export const ROLLUP_JOB_ID = 'slices-rollup';
/** How often pending outbox rows are applied without anyone asking. */
export const ROLLUP_EVERY_MS = 2000;

/** Runs the rollup job: on a schedule, on request, and at start-up for whatever the outbox still holds. */
@Injectable()
export class SlicesProcessor implements OnModuleInit {
  private readonly logger = new Logger(SlicesProcessor.name);
  private readonly applied;

  constructor(
    private readonly jobs: JobQueue,
    private readonly recovery: JobRecovery,
    private readonly rollups: SliceRollups,
    metrics: MetricsService,
  ) {
    this.applied = metrics.counter('relabel_slice_rollup_changes_total', 'Label-change outbox rows applied to the slice rollups');
    metrics.gauge(
      'relabel_slice_rollup_pending',
      'Label-change outbox rows not yet applied to the slice rollups',
      [],
      async function () {
        this.set(await rollups.pending());
      },
    );
  }

  onModuleInit(): void {
    this.jobs.process(
      QueueName.Slices,
      async () => {
        const applied = await this.rollups.applyPending();
        this.applied.inc(applied);
        if (applied > 0) this.logger.debug({ applied }, 'slice rollups');
        return { applied };
      },
      { concurrency: 1 },
    );
    this.recovery.register('slices', async () => {
      await this.jobs.repeat(QueueName.Slices, ROLLUP_JOB, ROLLUP_EVERY_MS, {});
      await this.requestRollup();
    });
  }

  /** Queues a rollup now unless one is already waiting (label writers may call this after a change). */
  requestRollup(): Promise<string> {
    return this.jobs.add(QueueName.Slices, ROLLUP_JOB, {}, { jobId: ROLLUP_JOB_ID });
  }
}
