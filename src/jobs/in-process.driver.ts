import { captureTraceContext, type TraceCarrier } from '../ops/telemetry.js';
import { errorMessage, isFinalFailure, resolveJobOptions, retryDelayMs } from './job-options.js';
import { JobObserver } from './job-observer.js';
import {
  DEFAULT_DRAIN_TIMEOUT_MS,
  type JobHandler,
  type JobInfo,
  type JobOptions,
  JobQueue,
  type ProcessOptions,
  type QueueCounts,
  QueueName,
} from './job-queue.js';

export interface InProcessJobQueueOptions {
  observer?: JobObserver;
  /** How many finished jobs per queue getJob still knows about. */
  keepFinished?: number;
  /** How long close() waits for running jobs. */
  closeTimeoutMs?: number;
}

interface Entry extends JobInfo {
  data: unknown;
  attempts: number;
  backoffMs: number;
  dueAt: number;
  /** The trace context of whoever added the job, for the job span's link. */
  trace?: TraceCarrier;
}

interface QueueState {
  handler?: JobHandler;
  concurrency: number;
  waiting: Entry[];
  active: Set<Entry>;
  delayed: Set<Entry>;
  /** Waiting, delayed and active jobs by id: the ones a jobId dedupes against. */
  live: Map<string, Entry>;
  /** Insertion-ordered, so the oldest is dropped first. */
  finished: Map<string, JobInfo>;
  repeats: Map<string, NodeJS.Timeout>;
}

/** The job queue of a single process: same semantics as the BullMQ driver, state in memory. */
export class InProcessJobQueue extends JobQueue {
  readonly driver = 'in-process' as const;
  private readonly queues = new Map<QueueName, QueueState>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly observer: JobObserver;
  private readonly keepFinished: number;
  private readonly closeTimeoutMs: number;
  private nextId = 0;
  private closed = false;

  constructor(options: InProcessJobQueueOptions = {}) {
    super();
    this.observer = options.observer ?? new JobObserver();
    this.keepFinished = options.keepFinished ?? 1000;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
  }

  async add<T>(queue: QueueName, name: string, data: T, options?: JobOptions): Promise<string> {
    return this.enqueue(queue, name, data, options);
  }

  /** add() on behalf of another thread, whose request's trace context the job's span links to. */
  async addFor<T>(trace: TraceCarrier | undefined, queue: QueueName, name: string, data: T, options?: JobOptions): Promise<string> {
    return this.enqueue(queue, name, data, options, undefined, trace ?? null);
  }

  process<T>(queue: QueueName, handler: JobHandler<T>, options: ProcessOptions = {}): void {
    const state = this.state(queue);
    if (state.handler) throw new Error(`queue ${queue} already has a handler`);
    if (this.closed) throw new Error('job queue is closed');
    const concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be an integer >= 1`);
    state.handler = handler as JobHandler;
    state.concurrency = concurrency;
    this.pump(queue);
  }

  async repeat<T>(queue: QueueName, name: string, everyMs: number, data: T): Promise<void> {
    if (!Number.isFinite(everyMs) || everyMs < 1) throw new RangeError('everyMs must be >= 1');
    if (this.closed) throw new Error('job queue is closed');
    const state = this.state(queue);
    clearInterval(state.repeats.get(name));
    // A stable id keeps runs of one schedule from piling up behind a slow or retrying run.
    const fire = () => this.enqueue(queue, name, data, {}, `repeat:${name}`);
    state.repeats.set(name, setInterval(fire, everyMs));
    fire();
  }

  async getJob(queue: QueueName, id: string): Promise<JobInfo | null> {
    const state = this.state(queue);
    const job = state.live.get(id) ?? state.finished.get(id);
    return job ? toInfo(job) : null;
  }

  async counts(queue: QueueName): Promise<QueueCounts> {
    const state = this.state(queue);
    const finished = [...state.finished.values()];
    return {
      waiting: state.waiting.length,
      active: state.active.size,
      delayed: state.delayed.size,
      completed: finished.filter((job) => job.state === 'completed').length,
      failed: finished.filter((job) => job.state === 'failed').length,
    };
  }

  async drain(queue: QueueName, timeoutMs = DEFAULT_DRAIN_TIMEOUT_MS, waitDelayedMs = 0): Promise<void> {
    const state = this.state(queue);
    const deadline = Date.now() + timeoutMs;
    const busy = () =>
      state.waiting.length > 0 ||
      state.active.size > 0 ||
      [...state.delayed].some((job) => job.dueAt <= Date.now() + waitDelayedMs);
    while (busy()) {
      if (Date.now() > deadline) throw new Error(`queue ${queue} not drained within ${timeoutMs} ms`);
      await sleep(10);
    }
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('job queue is closed');
  }

  async close(): Promise<void> {
    this.closed = true;
    this.observer.close();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const state of this.queues.values()) {
      for (const timer of state.repeats.values()) clearInterval(timer);
      state.repeats.clear();
    }
    const deadline = Date.now() + this.closeTimeoutMs;
    while ([...this.queues.values()].some((state) => state.active.size > 0) && Date.now() < deadline) await sleep(10);
  }

  /** trace: the adder's context, captured here when undefined (null: none). */
  private enqueue(
    queue: QueueName,
    name: string,
    data: unknown,
    options?: JobOptions,
    internalId?: string,
    trace?: TraceCarrier | null,
  ): string {
    if (this.closed) throw new Error('job queue is closed');
    const { attempts, backoffMs, delayMs, jobId } = resolveJobOptions(options);
    const state = this.state(queue);
    const id = internalId ?? jobId ?? String(++this.nextId);
    if (state.live.has(id)) return id;
    state.finished.delete(id);
    const job: Entry = {
      id,
      name,
      data,
      attempts,
      backoffMs,
      dueAt: Date.now(),
      trace: trace === undefined ? captureTraceContext() : (trace ?? undefined),
      state: 'waiting',
      progress: 0,
      attemptsMade: 0,
      failedReason: null,
    };
    state.live.set(id, job);
    if (delayMs > 0) this.delay(queue, job, delayMs);
    else this.makeWaiting(queue, job);
    return id;
  }

  private delay(queue: QueueName, job: Entry, ms: number): void {
    const state = this.state(queue);
    job.state = 'delayed';
    job.dueAt = Date.now() + ms;
    state.delayed.add(job);
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      state.delayed.delete(job);
      this.makeWaiting(queue, job);
    }, ms);
    this.timers.add(timer);
  }

  private makeWaiting(queue: QueueName, job: Entry): void {
    job.state = 'waiting';
    this.state(queue).waiting.push(job);
    this.pump(queue);
  }

  private pump(queue: QueueName): void {
    const state = this.state(queue);
    while (!this.closed && state.handler && state.active.size < state.concurrency && state.waiting.length > 0) {
      const job = state.waiting.shift() as Entry;
      state.active.add(job);
      job.state = 'active';
      void this.runAttempt(queue, state.handler, job);
    }
  }

  private async runAttempt(queue: QueueName, handler: JobHandler, job: Entry): Promise<void> {
    const state = this.state(queue);
    const attempt = job.attemptsMade + 1;
    const context = {
      id: job.id,
      name: job.name,
      data: job.data,
      attempt,
      updateProgress: (progress: JobInfo['progress']) => {
        job.progress = progress;
        return Promise.resolve();
      },
    };
    try {
      await this.observer.run(queue, handler, context, job.attempts, job.trace);
      job.attemptsMade = attempt;
      this.finish(state, job, 'completed');
    } catch (error) {
      job.attemptsMade = attempt;
      job.failedReason = errorMessage(error);
      if (isFinalFailure(error, attempt, job.attempts)) this.finish(state, job, 'failed');
      else {
        state.active.delete(job);
        this.delay(queue, job, retryDelayMs(job.backoffMs, attempt));
      }
    } finally {
      state.active.delete(job);
      this.pump(queue);
    }
  }

  private finish(state: QueueState, job: Entry, outcome: 'completed' | 'failed'): void {
    job.state = outcome;
    state.live.delete(job.id);
    state.finished.set(job.id, toInfo(job));
    if (state.finished.size > this.keepFinished) state.finished.delete(state.finished.keys().next().value as string);
  }

  private state(queue: QueueName): QueueState {
    let state = this.queues.get(queue);
    if (!state) {
      state = {
        concurrency: 1,
        waiting: [],
        active: new Set(),
        delayed: new Set(),
        live: new Map(),
        finished: new Map(),
        repeats: new Map(),
      };
      this.queues.set(queue, state);
    }
    return state;
  }
}

function toInfo(job: JobInfo): JobInfo {
  const { id, name, state, progress, attemptsMade, failedReason } = job;
  return { id, name, state, progress, attemptsMade, failedReason };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
