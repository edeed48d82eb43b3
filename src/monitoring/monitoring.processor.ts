import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { JobQueue, QueueName } from '../jobs/job-queue.js';
import { JobRecovery } from '../jobs/job-recovery.js';
import { MetricsService } from '../ops/metrics.service.js';
import { DriftEvaluation } from './drift-evaluation.service.js';
import { ProfilesService } from './profiles.service.js';

export const PROFILE_JOB = 'profile';
export const EVALUATE_JOB = 'evaluate';
/** How often pending markers are profiled. */
export const PROFILE_EVERY_MS = 2000;
/** How often calibrations are refitted and drift alerts evaluated. */
export const EVALUATE_EVERY_MS = 60_000;

/** Runs the profile job and the periodic drift evaluation. */
@Injectable()
export class MonitoringProcessor implements OnModuleInit {
  private readonly logger = new Logger(MonitoringProcessor.name);
  private readonly profiled;

  constructor(
    private readonly jobs: JobQueue,
    private readonly recovery: JobRecovery,
    private readonly profiles: ProfilesService,
    private readonly evaluation: DriftEvaluation,
    metrics: MetricsService,
  ) {
    this.profiled = metrics.counter('relabel_monitoring_profiled_total', 'Predictions added to the feature profiles');
    metrics.gauge('relabel_monitoring_pending', 'Ingest batches not yet added to the feature profiles', [], async function () {
      this.set(await profiles.pending());
    });
  }

  onModuleInit(): void {
    this.jobs.process(
      QueueName.Monitoring,
      async (job) => {
        if (job.name === EVALUATE_JOB) return this.evaluation.tick();
        const profiled = await this.profiles.applyPending();
        this.profiled.inc(profiled);
        if (profiled > 0) this.logger.debug({ profiled }, 'feature profiles');
        return { profiled };
      },
      { concurrency: 1 },
    );
    this.recovery.register('monitoring', async () => {
      await this.jobs.repeat(QueueName.Monitoring, PROFILE_JOB, PROFILE_EVERY_MS, {});
      await this.jobs.repeat(QueueName.Monitoring, EVALUATE_JOB, EVALUATE_EVERY_MS, {});
      await this.jobs.add(QueueName.Monitoring, PROFILE_JOB, {}, { jobId: 'monitoring-profile' });
    });
  }
}
