import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { errorMessage } from '../jobs/job-options.js';
import { JobQueue, QueueName } from '../jobs/job-queue.js';
import { JobRecovery } from '../jobs/job-recovery.js';
import { LabelModelService } from './label-model.service.js';
import { REFIT_AFTER_CHANGES, WeakFunctionsService } from './weak-functions.service.js';
import { WeakVotesService } from './weak-votes.service.js';
import { WeakRepository } from './weak.repository.js';

export const WEAK_TICK_EVERY_MS = 2000;
/** With fewer changes than REFIT_AFTER_CHANGES, a model is refitted at most this often. */
export const REFIT_EVERY_MS = 10 * 60_000;
const RUN_ATTEMPTS = 3;

interface RunJob {
  runId: string;
  functions?: string[];
}

/** The weak queue: a tick that runs the functions over new predictions and refits when votes changed enough; history runs and fits. */
@Injectable()
export class WeakProcessor implements OnModuleInit {
  private readonly logger = new Logger(WeakProcessor.name);

  constructor(
    private readonly jobs: JobQueue,
    private readonly recovery: JobRecovery,
    private readonly repo: WeakRepository,
    private readonly functions: WeakFunctionsService,
    private readonly votes: WeakVotesService,
    private readonly labelModel: LabelModelService,
  ) {}

  onModuleInit(): void {
    this.jobs.process<RunJob>(
      QueueName.Weak,
      async (job) => {
        if (job.name === 'tick') return this.tick();
        return this.runJob(job.name as 'apply' | 'fit', job.data, job.attempt, (p) => job.updateProgress(p));
      },
      { concurrency: 1 },
    );
    this.recovery.register('weak', async () => {
      await this.jobs.repeat(QueueName.Weak, 'tick', WEAK_TICK_EVERY_MS, {});
      for (const run of await this.repo.unfinishedRuns()) {
        await this.jobs.add(QueueName.Weak, run.kind, { runId: run.id }, { jobId: `weak-${run.kind}:${run.id}` });
      }
    });
  }

  private async tick() {
    let pending = 0;
    for (let n = await this.votes.drainPending(); n > 0; n = await this.votes.drainPending()) pending += n;
    const fits: string[] = [];
    const now = Date.now();
    for (const s of await this.repo.states()) {
      if (s.votesChanged <= 0) continue;
      const due = s.fittedAt === null || s.votesChanged >= REFIT_AFTER_CHANGES || now - s.fittedAt >= REFIT_EVERY_MS;
      const running = await this.repo.latestRun(s.model, 'fit');
      if (!due || (running && (running.status === 'queued' || running.status === 'running'))) continue;
      await this.functions.startRun(s.model, 'fit');
      fits.push(s.model);
    }
    return { pending, fits };
  }

  private async runJob(kind: 'apply' | 'fit', data: RunJob, attempt: number, report: (p: number) => Promise<void>) {
    const run = await this.repo.run(data.runId);
    if (!run || run.status === 'done' || run.status === 'failed') return { skipped: true };
    await this.repo.updateRun(run.id, { status: 'running', progress: 0 });
    const progress = async (p: number) => {
      await this.repo.updateRun(run.id, { progress: p });
      await report(p);
    };
    try {
      const result =
        kind === 'fit'
          ? await this.labelModel.fit(run.id, run.model, progress)
          : await this.votes.applyHistory(run.model, data.functions, (done, total) => progress(total === 0 ? 1 : done / total));
      await this.repo.updateRun(run.id, { status: 'done', progress: 1, result, finishedAt: Date.now() });
      return result;
    } catch (error) {
      if (attempt >= RUN_ATTEMPTS) {
        this.logger.error(`weak ${kind} run ${run.id} failed for good: ${errorMessage(error)}`);
        await this.repo.updateRun(run.id, { status: 'failed', error: errorMessage(error), finishedAt: Date.now() });
        return { failed: true };
      }
      throw error;
    }
  }
}
