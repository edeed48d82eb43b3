import { Logger, type LoggerService } from '@nestjs/common';
import type { Counter, Histogram } from 'prom-client';
import type { MetricsService } from '../ops/metrics.service.js';
import { runInJobSpan, type TraceCarrier } from '../ops/telemetry.js';
import { errorMessage, isFinalFailure } from './job-options.js';
import { type JobContext, type JobHandler, JobQueue, type QueueCounts, QueueName } from './job-queue.js';
import { AttemptLog, STALL_WARN_MS, StallWatch } from './stall-watch.js';

const DURATION_BUCKETS = [0.005, 0.025, 0.1, 0.5, 1, 5, 15, 60, 300, 1800];

/** Logs and measures every attempt, the same way for both drivers. */
export class JobObserver {
  private readonly failures?: Counter<'queue' | 'name' | 'final'>;
  private readonly duration?: Histogram<'queue' | 'name' | 'outcome'>;
  /** The attempts running now and lately, for the stall watch's log line. */
  private readonly attempts = new AttemptLog();
  private stallWatch?: StallWatch;

  constructor(
    private readonly metrics?: MetricsService,
    readonly logger: LoggerService = new Logger('Jobs'),
  ) {
    this.failures = metrics?.counter('relabel_job_failures_total', 'Failed job attempts; final="true" when not retried', [
      'queue',
      'name',
      'final',
    ]);
    this.duration = metrics?.histogram(
      'relabel_job_duration_seconds',
      'Job attempt duration by outcome',
      ['queue', 'name', 'outcome'],
      DURATION_BUCKETS,
    );
  }

  /**
   * Runs one attempt, as its own trace linked to the request that enqueued the job (trace: the
   * context captured at add()); rethrows the handler's error after recording it.
   */
  run<T>(queue: QueueName, handler: JobHandler<T>, job: JobContext<T>, attempts: number, trace?: TraceCarrier): Promise<unknown> {
    return runInJobSpan({ queue, name: job.name, id: job.id, attempt: job.attempt }, trace, () =>
      this.measure(queue, handler, job, attempts),
    );
  }

  private async measure<T>(queue: QueueName, handler: JobHandler<T>, job: JobContext<T>, attempts: number): Promise<unknown> {
    const started = performance.now();
    const elapsed = () => (performance.now() - started) / 1000;
    const attempt = this.attempts.start(`${queue}/${job.name} ${job.id}`);
    try {
      const result = await handler(job);
      this.duration?.observe({ queue, name: job.name, outcome: 'completed' }, elapsed());
      return result;
    } catch (error) {
      const final = isFinalFailure(error, job.attempt, attempts);
      this.duration?.observe({ queue, name: job.name, outcome: 'failed' }, elapsed());
      this.failures?.inc({ queue, name: job.name, final: String(final) });
      const what = `job ${queue}/${job.name} ${job.id} attempt ${job.attempt}/${attempts}`;
      if (final) this.logger.error(`${what} failed for good: ${errorMessage(error)}`);
      else this.logger.warn(`${what} failed, will retry: ${errorMessage(error)}`);
      throw error;
    } finally {
      this.attempts.end(attempt);
    }
  }

  /**
   * Logs every event-loop block of this thread of STALL_WARN_MS or more, naming the attempts that ran;
   * jobsRunIn: where the jobs run instead, for a process that runs none.
   */
  watchStalls(jobsRunIn: string | null = null): void {
    this.stallWatch ??= new StallWatch(this.attempts, this.metrics, this.logger, STALL_WARN_MS, jobsRunIn);
    this.stallWatch.start();
  }

  /** Stops what watchStalls started; the drivers call it when they close. */
  close(): void {
    this.stallWatch?.stop();
  }

  /** Reports queue depth on every scrape; a queue that cannot be counted is left out, not fatal. */
  watchDepth(jobs: JobQueue, queues: readonly QueueName[] = Object.values(QueueName)): void {
    const logger = this.logger;
    this.metrics?.gauge('relabel_queue_jobs', 'Jobs per queue and state', ['queue', 'state'], async function () {
      this.reset();
      for (const queue of queues) {
        try {
          const counts = await jobs.counts(queue);
          for (const state of Object.keys(counts) as (keyof QueueCounts)[]) this.set({ queue, state }, counts[state]);
        } catch (error) {
          logger.warn(`cannot count queue ${queue}: ${errorMessage(error)}`);
        }
      }
    });
  }
}
