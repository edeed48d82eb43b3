import { type Job, type JobsOptions, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { attachTraceContext, detachTraceContext } from './job-trace.js';
import { errorMessage, fromBullMqJobId, resolveJobOptions, toBullMqJobId } from './job-options.js';
import { JobObserver } from './job-observer.js';
import {
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF_MS,
  DEFAULT_DRAIN_TIMEOUT_MS,
  type JobHandler,
  type JobInfo,
  type JobOptions,
  JobQueue,
  type JobState,
  PermanentJobError,
  type ProcessOptions,
  type QueueCounts,
  QueueName,
} from './job-queue.js';

export interface BullMqJobQueueOptions {
  url: string;
  prefix: string;
  /** False in ROLE=api: handlers are recorded but no worker takes jobs in this process. */
  runsWorkers: boolean;
  observer?: JobObserver;
  /** How long close() waits for running jobs before abandoning them to another worker (stalled-job recovery). */
  closeTimeoutMs?: number;
}

const KEEP = {
  removeOnComplete: { count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
} satisfies JobsOptions;

const WAITING_TYPES = ['waiting', 'prioritized', 'waiting-children'] as const;

/** The job queue on Redis via BullMQ: shared by every API and worker process of a deployment. */
export class BullMqJobQueue extends JobQueue {
  readonly driver = 'bullmq' as const;
  private readonly connection: Redis;
  private workerConnection?: Redis;
  private readonly queues = new Map<QueueName, Queue>();
  private readonly workers = new Map<QueueName, Worker>();
  private readonly handlers = new Map<QueueName, JobHandler>();
  private readonly observer: JobObserver;
  private closed = false;

  constructor(private readonly options: BullMqJobQueueOptions) {
    super();
    this.observer = options.observer ?? new JobObserver();
    this.connection = this.connect('queue', {});
  }

  async add<T>(queue: QueueName, name: string, data: T, options?: JobOptions): Promise<string> {
    const { attempts, backoffMs, delayMs, jobId } = resolveJobOptions(options);
    const bullQueue = this.queue(queue);
    const bullId = jobId === undefined ? undefined : toBullMqJobId(jobId);
    if (bullId !== undefined) await removeIfFinished(bullQueue, bullId);
    const job = await bullQueue.add(name, attachTraceContext(data), {
      ...KEEP,
      attempts,
      backoff: { type: 'exponential', delay: backoffMs },
      delay: delayMs,
      jobId: bullId,
    });
    return fromBullMqJobId(job.id as string);
  }

  process<T>(queue: QueueName, handler: JobHandler<T>, options: ProcessOptions = {}): void {
    if (this.handlers.has(queue)) throw new Error(`queue ${queue} already has a handler`);
    if (this.closed) throw new Error('job queue is closed');
    const concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be an integer >= 1`);
    this.handlers.set(queue, handler as JobHandler);
    if (!this.options.runsWorkers) return;
    this.workerConnection ??= this.connect('worker', { maxRetriesPerRequest: null });
    const worker = new Worker(queue, (job: Job) => this.runJob(queue, handler as JobHandler, job), {
      connection: this.workerConnection,
      prefix: this.options.prefix,
      concurrency,
    });
    worker.on('error', (error) => this.observer.logger.error(`worker ${queue}: ${errorMessage(error)}`));
    this.workers.set(queue, worker);
  }

  async repeat<T>(queue: QueueName, name: string, everyMs: number, data: T): Promise<void> {
    if (!Number.isFinite(everyMs) || everyMs < 1) throw new RangeError('everyMs must be >= 1');
    await this.queue(queue).upsertJobScheduler(
      name,
      { every: Math.round(everyMs) },
      { name, data, opts: { ...KEEP, attempts: DEFAULT_ATTEMPTS, backoff: { type: 'exponential', delay: DEFAULT_BACKOFF_MS } } },
    );
  }

  async getJob(queue: QueueName, id: string): Promise<JobInfo | null> {
    const bullQueue = this.queue(queue);
    // Runs of a repeat schedule carry BullMQ's own "repeat:<name>:<time>" ids, which are not escaped.
    const bullId = id.startsWith('repeat:') ? id : toBullMqJobId(id);
    // State before fields: a job finishing in between then shows its final fields under a stale state, never the reverse.
    const state = toJobState(await bullQueue.getJobState(bullId));
    const job = await bullQueue.getJob(bullId);
    if (!job) return null;
    const progress = job.progress;
    return {
      id,
      name: job.name,
      state,
      progress:
        typeof progress === 'number' || (typeof progress === 'object' && progress !== null)
          ? (progress as JobInfo['progress'])
          : 0,
      attemptsMade: job.attemptsMade,
      failedReason: job.failedReason || null,
    };
  }

  async counts(queue: QueueName): Promise<QueueCounts> {
    const counts = await this.queue(queue).getJobCounts(...WAITING_TYPES, 'active', 'delayed', 'completed', 'failed');
    return {
      waiting: WAITING_TYPES.reduce((sum, type) => sum + (counts[type] ?? 0), 0),
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      completed: counts.completed ?? 0,
      failed: counts.failed ?? 0,
    };
  }

  async drain(queue: QueueName, timeoutMs = DEFAULT_DRAIN_TIMEOUT_MS, waitDelayedMs = 0): Promise<void> {
    const bullQueue = this.queue(queue);
    const deadline = Date.now() + timeoutMs;
    // The two reads below are not atomic; a job moving between states could slip past one quiet look, not two.
    let quietLooks = 0;
    while (quietLooks < 2) {
      const due = await bullQueue.getDelayedCount(Math.round(Date.now() + waitDelayedMs));
      const counts = await bullQueue.getJobCounts(...WAITING_TYPES, 'active');
      const busy = due + Object.values(counts).reduce((sum, n) => sum + n, 0);
      quietLooks = busy === 0 ? quietLooks + 1 : 0;
      if (quietLooks < 2) {
        if (Date.now() > deadline) throw new Error(`queue ${queue} not drained within ${timeoutMs} ms`);
        await sleep(20);
      }
    }
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('job queue is closed');
    await this.connection.ping();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.observer.close();
    await Promise.all([...this.workers.values()].map((worker) => this.closeWorker(worker)));
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    await quit(this.connection);
    if (this.workerConnection) await quit(this.workerConnection);
  }

  private async runJob(queue: QueueName, handler: JobHandler, job: Job): Promise<unknown> {
    const { data, trace } = detachTraceContext(job.data);
    const context = {
      id: fromBullMqJobId(job.id as string),
      name: job.name,
      data,
      attempt: job.attemptsMade + 1,
      updateProgress: (progress: JobInfo['progress']) => job.updateProgress(progress),
    };
    try {
      return await this.observer.run(queue, handler, context, job.opts.attempts ?? 1, trace);
    } catch (error) {
      if (error instanceof PermanentJobError) throw new UnrecoverableError(error.message);
      throw error instanceof Error ? error : new Error(String(error));
    }
  }

  private async closeWorker(worker: Worker): Promise<void> {
    const graceful = worker.close().then(
      () => true,
      () => false,
    );
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.options.closeTimeoutMs ?? 10_000);
    });
    const closed = await Promise.race([graceful, timedOut]).finally(() => clearTimeout(timer));
    if (!closed) await worker.close(true).catch(() => undefined);
  }

  private queue(name: QueueName): Queue {
    if (this.closed) throw new Error('job queue is closed');
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.options.prefix });
      queue.on('error', (error) => this.observer.logger.error(`queue ${name}: ${errorMessage(error)}`));
      this.queues.set(name, queue);
    }
    return queue;
  }

  private connect(role: string, extra: { maxRetriesPerRequest?: null }): Redis {
    const redis = new Redis(this.options.url, { connectionName: `${this.options.prefix}:${role}`, ...extra });
    let lastError = '';
    redis.on('error', (error: Error) => {
      if (error.message !== lastError) this.observer.logger.error(`redis (${role}): ${error.message}`);
      lastError = error.message;
    });
    redis.on('ready', () => (lastError = ''));
    return redis;
  }
}

async function removeIfFinished(queue: Queue, bullId: string): Promise<void> {
  const existing = await queue.getJob(bullId);
  if (!existing) return;
  const state = await existing.getState();
  if (state !== 'completed' && state !== 'failed') return;
  // Another process may remove or re-add it at the same moment; add() then dedupes as usual.
  await existing.remove().catch(() => undefined);
}

function toJobState(state: string): JobState {
  switch (state) {
    case 'waiting':
    case 'prioritized':
    case 'waiting-children':
      return 'waiting';
    case 'delayed':
    case 'active':
    case 'completed':
    case 'failed':
      return state;
    default:
      return 'unknown';
  }
}

async function quit(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  await redis.quit().catch(() => redis.disconnect());
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
