import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { errorMessage } from '../jobs/job-options.js';
import { JobQueue, QueueName } from '../jobs/job-queue.js';
import { JobRecovery } from '../jobs/job-recovery.js';
import { ExportRunner } from './export-runner.js';
import { EXPORT_ATTEMPTS, ExportsService } from './exports.service.js';

/** Runs export jobs; at start-up queues again every export the database shows unfinished. */
@Injectable()
export class ExportsProcessor implements OnModuleInit {
  private readonly logger = new Logger(ExportsProcessor.name);

  constructor(
    private readonly jobs: JobQueue,
    private readonly recovery: JobRecovery,
    private readonly exports: ExportsService,
    private readonly runner: ExportRunner,
  ) {}

  onModuleInit(): void {
    this.jobs.process<{ id: string }>(QueueName.Exports, async (job) => {
      try {
        await this.runner.run(job.data.id, (progress) => job.updateProgress(progress));
      } catch (error) {
        if (job.attempt >= EXPORT_ATTEMPTS) {
          this.logger.error(`export ${job.data.id} failed for good: ${errorMessage(error)}`);
          await this.runner.markFailed(job.data.id, errorMessage(error));
        }
        throw error;
      }
    });
    this.recovery.register('exports', async () => {
      for (const id of await this.exports.unfinishedIds()) await this.exports.enqueue(id);
    });
  }
}
