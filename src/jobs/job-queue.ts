/** Every queue relabel uses, in one place. */
export enum QueueName {
  Maintenance = 'maintenance',
}

export interface JobOptions {
  /** Attempts before the job fails for good (default 5). */
  attempts?: number;
  /** First retry delay in ms; doubles on each retry (default 1000). */
  backoffMs?: number;
  /** A job with this id that is still waiting, delayed or active is not added again. */
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
  abstract readonly driver: 'in-process' | 'bullmq';
  abstract add<T>(queue: QueueName, name: string, data: T, options?: JobOptions): Promise<string>;
  /** Registers the handler of a queue. Workers only start in processes whose ROLE runs workers. */
  abstract process<T>(queue: QueueName, handler: JobHandler<T>, options?: { concurrency?: number }): void;
  /** Adds (or replaces) a repeatable job that runs every everyMs. */
  abstract repeat<T>(queue: QueueName, name: string, everyMs: number, data: T): Promise<void>;
  abstract getJob(queue: QueueName, id: string): Promise<JobInfo | null>;
  abstract counts(queue: QueueName): Promise<QueueCounts>;
  /** Resolves when nothing is waiting, delayed (due within waitDelayedMs) or active; for tests and shutdown. */
  abstract drain(queue: QueueName, timeoutMs?: number): Promise<void>;
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}
