/** Every queue relabel uses, in one place. */
export enum QueueName {
  Maintenance = 'maintenance',
  Labels = 'labels',
  Slices = 'slices',
  Alerts = 'alerts',
  Exports = 'exports',
  Weak = 'weak',
  Monitoring = 'monitoring',
}

export const DEFAULT_ATTEMPTS = 5;
export const DEFAULT_BACKOFF_MS = 1000;
export const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;

export interface JobOptions {
  /** Attempts before the job fails for good (default 5). */
  attempts?: number;
  /** First retry delay in ms; doubles on each retry (default 1000). */
  backoffMs?: number;
  /**
   * A job with this id that is still waiting, delayed or active is not added again (a finished one is
   * replaced). Not all digits and not starting "repeat:" (those are generated ids); other text, ':' included, is fine.
   */
  jobId?: string;
  /** Run no sooner than this many ms from now. */
  delayMs?: number;
}

export interface JobContext<T = unknown> {
  id: string;
  name: string;
  data: T;
  /** 1 on the first run, 2 on the first retry, ... */
  attempt: number;
  updateProgress(progress: number | Record<string, unknown>): Promise<void>;
}

export type JobHandler<T = unknown> = (job: JobContext<T>) => Promise<unknown>;

export type JobState = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed' | 'unknown';

export interface JobInfo {
  id: string;
  name: string;
  state: JobState;
  progress: number | Record<string, unknown>;
  attemptsMade: number;
  failedReason: string | null;
}

export interface ProcessOptions {
  /** Jobs of this queue run at the same time in one process (default 1). */
  concurrency?: number;
}

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
}

/** Thrown by a handler for a failure that retrying cannot fix: the job fails at once, with this reason. */
export class PermanentJobError extends Error {}

/**
 * The job interface. Jobs are triggers, not state: every handler is idempotent and re-derives its
 * work from database rows, so a job run twice or lost and re-queued at start-up is harmless.
 */
export abstract class JobQueue {
  abstract readonly driver: 'in-process' | 'thread' | 'bullmq';
  abstract add<T>(queue: QueueName, name: string, data: T, options?: JobOptions): Promise<string>;
  /** Registers the handler of a queue. Workers only start in processes whose ROLE runs workers. */
  abstract process<T>(queue: QueueName, handler: JobHandler<T>, options?: ProcessOptions): void;
  /** Adds (or replaces) a repeatable job that runs every everyMs. */
  abstract repeat<T>(queue: QueueName, name: string, everyMs: number, data: T): Promise<void>;
  abstract getJob(queue: QueueName, id: string): Promise<JobInfo | null>;
  abstract counts(queue: QueueName): Promise<QueueCounts>;
  /**
   * Resolves when nothing is waiting or active and no delayed job is due within waitDelayedMs (default 0,
   * so retries in backoff, later delayed jobs and repeat schedules are not waited for); rejects after
   * timeoutMs (default 30 s). For tests and scripts.
   */
  abstract drain(queue: QueueName, timeoutMs?: number, waitDelayedMs?: number): Promise<void>;
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}
