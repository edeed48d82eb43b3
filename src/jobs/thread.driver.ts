import { Logger, type LoggerService } from '@nestjs/common';
import { type ResourceLimits, Worker } from 'node:worker_threads';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import { captureTraceContext, type TraceCarrier } from '../ops/telemetry.js';
import { errorMessage } from './job-options.js';
import {
  DEFAULT_DRAIN_TIMEOUT_MS,
  type JobHandler,
  type JobInfo,
  type JobOptions,
  JobQueue,
  type QueueCounts,
  type QueueName,
} from './job-queue.js';

/** What the API thread asks of the job thread; each call gets one reply with its id. */
export type JobThreadMethod = 'add' | 'repeat' | 'getJob' | 'counts' | 'drain' | 'ping' | 'metrics';

export type ToJobThread =
  | { kind: 'call'; id: number; method: JobThreadMethod; args: unknown[]; trace?: TraceCarrier }
  | { kind: 'close' };

export type FromJobThread =
  | { kind: 'ready' }
  | { kind: 'failed'; error: string }
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: string };

/** The job thread's metrics, as prom-client's JSON (what AggregatorRegistry merges). */
export type ThreadMetrics = MetricObjectWithValues<MetricValue<string>>[];

export interface ThreadJobQueueOptions {
  /** The compiled worker script (dist/src/jobs/job-thread.js). */
  script: URL;
  /** Passed to the script as workerData. */
  workerData: unknown;
  resourceLimits?: ResourceLimits;
  /** Called once when the queue closes (the API thread's stall watch stops there). */
  onClose?: () => void;
  /** A crashed thread is restarted after this long, doubling to 30 s while it keeps crashing. */
  restartDelayMs?: number;
  /** How long a call waits for a starting or restarting thread (default 5 s). */
  readyTimeoutMs?: number;
  /** Called whenever the thread has exited, before any restart (it may have died inside a transaction). */
  onExit?: () => void;
  /** How long close() waits for the thread to finish its running jobs before terminating it. */
  closeTimeoutMs?: number;
  logger?: LoggerService;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

const MAX_RESTART_DELAY_MS = 30_000;

/**
 * The API thread's side of the embedded job thread: every call is forwarded to an InProcessJobQueue
 * that runs in a worker thread with its own SQLite connection, so the label join, rollups, profiles,
 * alerts and exports never run on the HTTP event loop. Handlers registered here are ignored (the job
 * thread registers its own, like a ROLE=api process with BullMQ). A thread that dies is restarted;
 * its jobs are re-derived from rows by the recoveries it runs at start, as after a process restart.
 */
export class ThreadJobQueue extends JobQueue {
  readonly driver = 'thread' as const;
  private worker?: Worker;
  private ready!: Promise<void>;
  private markReady!: () => void;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private started = false;
  private closing = false;
  private restartDelayMs: number;
  private restartTimer?: NodeJS.Timeout;
  private readonly logger: LoggerService;
  /** Thread starts, the first included: a restart shows as a value above 1. */
  starts = 0;

  constructor(private readonly options: ThreadJobQueueOptions) {
    super();
    this.logger = options.logger ?? new Logger('JobThread');
    this.restartDelayMs = options.restartDelayMs ?? 1000;
    this.resetReady();
  }

  /** Starts the thread; calls made before it is ready wait for it. Called once the API side has set up the database. */
  start(timeoutMs = 60_000): Promise<void> {
    if (!this.started && !this.closing) {
      this.started = true;
      this.spawn();
    }
    return this.whenReady(timeoutMs);
  }

  add<T>(queue: QueueName, name: string, data: T, options?: JobOptions): Promise<string> {
    return this.call('add', [queue, name, data, options], captureTraceContext()) as Promise<string>;
  }

  process<T>(_queue: QueueName, _handler: JobHandler<T>): void {
    // The job thread runs its own copy of every processor.
  }

  async repeat<T>(queue: QueueName, name: string, everyMs: number, data: T): Promise<void> {
    await this.call('repeat', [queue, name, everyMs, data]);
  }

  getJob(queue: QueueName, id: string): Promise<JobInfo | null> {
    return this.call('getJob', [queue, id]) as Promise<JobInfo | null>;
  }

  counts(queue: QueueName): Promise<QueueCounts> {
    return this.call('counts', [queue]) as Promise<QueueCounts>;
  }

  drain(queue: QueueName, timeoutMs = DEFAULT_DRAIN_TIMEOUT_MS, waitDelayedMs = 0): Promise<void> {
    return this.call('drain', [queue, timeoutMs, waitDelayedMs]) as Promise<void>;
  }

  async ping(): Promise<void> {
    if (this.closing) throw new Error('job queue is closed');
    if (!this.worker) throw new Error('the job thread is not running');
    await this.call('ping', []);
  }

  /** The job thread's metrics, for /metrics to merge with this thread's. */
  metrics(): Promise<ThreadMetrics> {
    return this.call('metrics', []) as Promise<ThreadMetrics>;
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.options.onClose?.();
    clearTimeout(this.restartTimer);
    this.markReady();
    const worker = this.worker;
    if (!worker) return this.failPending(new Error('job queue is closed'));
    const exited = new Promise<void>((done) => worker.once('exit', () => done()));
    worker.postMessage({ kind: 'close' } satisfies ToJobThread);
    const timeoutMs = this.options.closeTimeoutMs ?? 15_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((done) => (timer = setTimeout(() => done(true), timeoutMs)));
    if (await Promise.race([exited.then(() => false), timedOut])) {
      this.logger.warn(`the job thread did not stop within ${timeoutMs} ms; terminating it`);
      await worker.terminate();
    }
    clearTimeout(timer);
    this.failPending(new Error('job queue is closed'));
  }

  private async call(method: JobThreadMethod, args: unknown[], trace?: TraceCarrier): Promise<unknown> {
    if (this.closing) throw new Error('job queue is closed');
    await this.whenReady();
    const worker = this.worker;
    if (!worker || this.closing) throw new Error('job queue is closed');
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ kind: 'call', id, method, args, ...(trace ? { trace } : {}) } satisfies ToJobThread);
    });
  }

  /** Waits for a starting (or restarting) thread, up to readyTimeoutMs: a request never hangs on it. */
  private async whenReady(timeoutMs = this.options.readyTimeoutMs ?? 5000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the job thread is not ready after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.ready, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private spawn(): void {
    this.starts++;
    const worker = new Worker(this.options.script, {
      workerData: this.options.workerData,
      resourceLimits: this.options.resourceLimits,
    });
    this.worker = worker;
    worker.on('message', (message: FromJobThread) => this.receive(message));
    worker.on('error', (error) => this.logger.error(`the job thread failed: ${errorMessage(error)}`));
    worker.once('exit', (code) => this.exited(worker, code));
  }

  private receive(message: FromJobThread): void {
    if (message.kind === 'ready') {
      this.restartDelayMs = this.options.restartDelayMs ?? 1000;
      this.markReady();
      return;
    }
    if (message.kind === 'failed') {
      this.logger.error(`the job thread could not start: ${message.error}`);
      return;
    }
    const call = this.pending.get(message.id);
    if (!call) return;
    this.pending.delete(message.id);
    if (message.ok) call.resolve(message.value);
    else call.reject(new Error(message.error));
  }

  private exited(worker: Worker, code: number): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.options.onExit?.();
    // Replies that will never come: the callers hear it now rather than hang.
    this.failPending(new Error(`the job thread exited (code ${code})`));
    if (this.closing) return;
    this.logger.error(`the job thread exited (code ${code}); restarting it in ${this.restartDelayMs} ms`);
    this.resetReady();
    this.restartTimer = setTimeout(() => {
      if (!this.closing) this.spawn();
    }, this.restartDelayMs);
    this.restartDelayMs = Math.min(MAX_RESTART_DELAY_MS, this.restartDelayMs * 2);
  }

  private failPending(error: Error): void {
    for (const call of this.pending.values()) call.reject(error);
    this.pending.clear();
  }

  private resetReady(): void {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
  }
}
