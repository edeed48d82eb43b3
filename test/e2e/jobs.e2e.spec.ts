import { randomBytes } from 'node:crypto';
import { Global, Inject, type LoggerService, Module, type OnModuleInit } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { ConfigModule } from '../../src/config/config.module.js';
import { BullMqJobQueue } from '../../src/jobs/bullmq.driver.js';
import { InProcessJobQueue } from '../../src/jobs/in-process.driver.js';
import { JobObserver } from '../../src/jobs/job-observer.js';
import { type JobInfo, JobQueue, type JobState, PermanentJobError, QueueName } from '../../src/jobs/job-queue.js';
import { JobRecovery } from '../../src/jobs/job-recovery.js';
import { JobsModule } from '../../src/jobs/jobs.module.js';
import { MetricsService } from '../../src/ops/metrics.service.js';
import { deleteRedisKeys } from '../support/app.js';
import { sleep, waitFor } from '../support/eventually.js';

// The BullMQ driver needs a real Redis: it runs in CI's PostgreSQL + Redis pass (TEST_REDIS_URL), while
// `npm test` on a machine without Redis covers the in-process driver.
const REDIS_URL = process.env.TEST_REDIS_URL ?? '';
const withRedis = <T>(cases: T[]): T[] => (REDIS_URL ? cases : []);
const Q = QueueName.Maintenance;

class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log = (message: unknown) => void this.lines.push(String(message));
  warn = this.log;
  error = this.log;
}

interface Harness {
  jobs: JobQueue;
  metrics: MetricsService;
  prefix: string;
  cleanup(): Promise<void>;
}

function newPrefix(): string {
  return `t${randomBytes(5).toString('hex')}`;
}

function inProcess(): Harness {
  const metrics = new MetricsService();
  const jobs = new InProcessJobQueue({ observer: new JobObserver(metrics, new CapturingLogger()), closeTimeoutMs: 2000 });
  return { jobs, metrics, prefix: '', cleanup: () => jobs.close() };
}

function bullMq(runsWorkers = true, prefix = newPrefix()): Harness {
  const metrics = new MetricsService();
  const observer = new JobObserver(metrics, new CapturingLogger());
  const jobs = new BullMqJobQueue({ url: REDIS_URL, prefix, runsWorkers, observer, closeTimeoutMs: 2000 });
  return { jobs, metrics, prefix, cleanup: async () => (await jobs.close(), await deleteRedisKeys(REDIS_URL, prefix)) };
}

function waitForState(jobs: JobQueue, id: string, state: JobState): Promise<JobInfo> {
  return waitFor(`job ${id} to be ${state}`, async () => {
    const info = await jobs.getJob(Q, id);
    return info?.state === state ? info : null;
  });
}

function gate(): { wait: Promise<void>; open: () => void } {
  let open = () => {};
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

describe.each([{ driver: 'in-process', make: () => inProcess() }, ...withRedis([{ driver: 'bullmq', make: () => bullMq() }])])(
  '$driver job queue',
  ({ make }) => {
    let h: Harness;
    beforeEach(() => {
      h = make();
    });
    afterEach(async () => {
      await h.cleanup();
    });

    it('retries a failing job with exponential backoff until it succeeds', async () => {
      const runs: { attempt: number; at: number }[] = [];
      h.jobs.process(Q, async (job) => {
        runs.push({ attempt: job.attempt, at: Date.now() });
        if (job.attempt < 3) throw new Error(`flaky ${job.attempt}`);
      });
      const id = await h.jobs.add(Q, 'flaky', {}, { attempts: 5, backoffMs: 40 });
      const info = await waitForState(h.jobs, id, 'completed');
      expect(runs.map((run) => run.attempt)).toEqual([1, 2, 3]);
      expect(info.attemptsMade).toBe(3);
      expect(runs[1].at - runs[0].at).toBeGreaterThanOrEqual(39);
      expect(runs[2].at - runs[1].at).toBeGreaterThanOrEqual(79);
    });

    it('fails for good with the last reason once attempts are exhausted', async () => {
      let calls = 0;
      h.jobs.process(Q, async (job) => {
        calls++;
        throw new Error(`boom ${job.attempt}`);
      });
      const id = await h.jobs.add(Q, 'doomed', {}, { attempts: 3, backoffMs: 20 });
      const info = await waitForState(h.jobs, id, 'failed');
      expect(info).toMatchObject({ attemptsMade: 3, failedReason: 'boom 3' });
      await sleep(150);
      expect(calls).toBe(3);
    });

    it('fails a job that throws PermanentJobError on its first attempt', async () => {
      let calls = 0;
      h.jobs.process(Q, async () => {
        calls++;
        throw new PermanentJobError('unknown model');
      });
      const id = await h.jobs.add(Q, 'bad-input', {}, { attempts: 5, backoffMs: 20 });
      const info = await waitForState(h.jobs, id, 'failed');
      expect(info).toMatchObject({ attemptsMade: 1, failedReason: 'unknown model' });
      await sleep(150);
      expect(calls).toBe(1);
    });

    it('fails a job whose handler rejects with a non-Error, with that text as reason', async () => {
      h.jobs.process(Q, () => Promise.reject('not an Error'));
      const id = await h.jobs.add(Q, 'odd', {}, { attempts: 1 });
      expect(await waitForState(h.jobs, id, 'failed')).toMatchObject({ failedReason: 'not an Error' });
    });

    it('runs at most `concurrency` jobs of a queue at once', async () => {
      let active = 0;
      let maxActive = 0;
      h.jobs.process(
        Q,
        async () => {
          maxActive = Math.max(maxActive, ++active);
          await sleep(60);
          active--;
        },
        { concurrency: 3 },
      );
      await Promise.all(Array.from({ length: 9 }, (_, i) => h.jobs.add(Q, 'slow', { i })));
      await h.jobs.drain(Q, 10_000);
      expect(maxActive).toBe(3);
      expect((await h.jobs.counts(Q)).completed).toBe(9);
    });

    it('shows progress through getJob while running and after completion', async () => {
      const release = gate();
      h.jobs.process(Q, async (job) => {
        await job.updateProgress(40);
        await release.wait;
        await job.updateProgress({ done: 10, total: 10 });
      });
      const id = await h.jobs.add(Q, 'export', {});
      await waitFor('progress 40', async () => {
        const info = await h.jobs.getJob(Q, id);
        return info?.state === 'active' && info.progress === 40;
      });
      release.open();
      expect((await waitForState(h.jobs, id, 'completed')).progress).toEqual({ done: 10, total: 10 });
    });

    it('keeps jobs until a handler exists, dedupes by jobId, and accepts the id again once finished', async () => {
      const seen: unknown[] = [];
      expect(await h.jobs.add(Q, 'export', { n: 1 }, { jobId: 'export:42' })).toBe('export:42');
      expect(await h.jobs.add(Q, 'export', { n: 2 }, { jobId: 'export:42' })).toBe('export:42');
      expect(await h.jobs.counts(Q)).toMatchObject({ waiting: 1, active: 0 });
      expect(await h.jobs.getJob(Q, 'export:42')).toMatchObject({ id: 'export:42', name: 'export', state: 'waiting' });
      expect(await h.jobs.getJob(Q, 'never-added')).toBeNull();

      h.jobs.process(Q, async (job) => void seen.push(job.data));
      await h.jobs.drain(Q, 5000);
      expect(seen).toEqual([{ n: 1 }]);

      await h.jobs.add(Q, 'export', { n: 3 }, { jobId: 'export:42' });
      await h.jobs.drain(Q, 5000);
      expect(seen).toEqual([{ n: 1 }, { n: 3 }]);
    });

    it('does not add a job again while one with its id is active', async () => {
      const release = gate();
      let calls = 0;
      h.jobs.process(Q, async () => {
        calls++;
        await release.wait;
      });
      const id = await h.jobs.add(Q, 'rollup', {}, { jobId: 'rollup-m1' });
      await waitForState(h.jobs, id, 'active');
      await h.jobs.add(Q, 'rollup', {}, { jobId: 'rollup-m1' });
      release.open();
      await h.jobs.drain(Q, 5000);
      expect(calls).toBe(1);
    });

    it('runs a delayed job no sooner than its delay; drain waits for it only when asked to', async () => {
      let ranAt = 0;
      h.jobs.process(Q, async () => void (ranAt = Date.now()));
      const addedAt = Date.now();
      const id = await h.jobs.add(Q, 'later', {}, { delayMs: 300 });
      expect((await h.jobs.getJob(Q, id))?.state).toBe('delayed');
      await h.jobs.drain(Q, 1000);
      expect(ranAt).toBe(0);
      await h.jobs.drain(Q, 5000, 1000);
      expect(ranAt - addedAt).toBeGreaterThanOrEqual(299);
      expect((await h.jobs.getJob(Q, id))?.state).toBe('completed');
    });

    it('drain rejects when work does not finish in time', async () => {
      await h.jobs.add(Q, 'orphan', {});
      await expect(h.jobs.drain(Q, 100)).rejects.toThrow(/not drained/);
    });

    it('fires a repeatable job more than once', async () => {
      let ticks = 0;
      h.jobs.process(Q, async (job) => void (job.name === 'tick' && ticks++));
      await h.jobs.repeat(Q, 'tick', 100, {});
      await waitFor('three ticks', async () => ticks >= 3, { timeoutMs: 3000 });
    });

    it('replaces a repeatable job of the same name', async () => {
      let ticks = 0;
      h.jobs.process(Q, async () => void ticks++);
      await h.jobs.repeat(Q, 'tick', 50, {});
      await waitFor('a first tick', async () => ticks >= 1);
      await h.jobs.repeat(Q, 'tick', 60_000, {});
      const before = ticks;
      await sleep(500);
      // At most the replacement's own first run and one run of the old schedule already under way.
      expect(ticks - before).toBeLessThanOrEqual(2);
    });

    it('records failures, durations and queue depth as metrics', async () => {
      h.jobs.process(Q, async (job) => {
        if (job.name === 'bad') throw new PermanentJobError('no');
        if (job.attempt === 1) throw new Error('once');
      });
      const ok = await h.jobs.add(Q, 'flaky', {}, { backoffMs: 20 });
      const bad = await h.jobs.add(Q, 'bad', {});
      await waitForState(h.jobs, ok, 'completed');
      await waitForState(h.jobs, bad, 'failed');
      const metric = async (name: string) => (await h.metrics.registry.getSingleMetric(name)?.get())?.values ?? [];
      expect(await metric('relabel_job_failures_total')).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ labels: { queue: Q, name: 'flaky', final: 'false' }, value: 1 }),
          expect.objectContaining({ labels: { queue: Q, name: 'bad', final: 'true' }, value: 1 }),
        ]),
      );
      const durations = await metric('relabel_job_duration_seconds');
      expect(durations).toContainEqual(
        expect.objectContaining({
          metricName: 'relabel_job_duration_seconds_count',
          labels: { queue: Q, name: 'flaky', outcome: 'completed' },
          value: 1,
        }),
      );
      expect(h.metrics.registry.getSingleMetric('relabel_queue_jobs')).toBeUndefined();
      new JobObserver(h.metrics).watchDepth(h.jobs);
      expect(await metric('relabel_queue_jobs')).toEqual(
        expect.arrayContaining([
          { labels: { queue: Q, state: 'completed' }, value: 1 },
          { labels: { queue: Q, state: 'failed' }, value: 1 },
          { labels: { queue: Q, state: 'waiting' }, value: 0 },
        ]),
      );
    });

    it('answers ping until closed, then refuses new work', async () => {
      await expect(h.jobs.ping()).resolves.toBeUndefined();
      await h.jobs.close();
      await expect(h.jobs.ping()).rejects.toThrow(/closed/);
      await expect(h.jobs.add(Q, 'late', {})).rejects.toThrow(/closed/);
    });
  },
);

describe.each(withRedis(['bullmq']))('%s job queue split by ROLE', () => {
  let api: Harness;
  let worker: Harness;
  beforeEach(() => {
    api = bullMq(false);
    worker = bullMq(true, api.prefix);
  });
  afterEach(async () => {
    await api.cleanup();
    await worker.cleanup();
  });

  it('adds jobs from an API process and runs them only in a worker process', async () => {
    const ranIn: string[] = [];
    api.jobs.process(Q, async () => void ranIn.push('api'));
    const id = await api.jobs.add(Q, 'export', {}, { jobId: 'export-7' });
    await sleep(300);
    expect((await api.jobs.getJob(Q, id))?.state).toBe('waiting');
    worker.jobs.process(Q, async () => void ranIn.push('worker'));
    await waitForState(api.jobs, id, 'completed');
    expect(ranIn).toEqual(['worker']);
  });
});

async function startModule(env: Record<string, string>) {
  const config = loadConfig(env);
  const done: string[] = [];

  @Global()
  @Module({ providers: [MetricsService], exports: [MetricsService] })
  class TestMetricsModule {}

  @Module({})
  class FeatureModule implements OnModuleInit {
    constructor(
      @Inject(JobQueue) private readonly jobs: JobQueue,
      @Inject(JobRecovery) private readonly recovery: JobRecovery,
    ) {}

    onModuleInit() {
      this.jobs.process(Q, async (job) => void done.push(job.name));
      this.recovery.register('broken', () => Promise.reject(new Error('database unavailable')));
      this.recovery.register('unfinished-exports', () => this.jobs.add(Q, 'recovered-export', {}, { jobId: 'export-1' }));
    }
  }

  const logger = new CapturingLogger();
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(config), TestMetricsModule, JobsModule, FeatureModule],
  })
    .setLogger(logger)
    .compile();
  await moduleRef.init();
  return { moduleRef, jobs: moduleRef.get(JobQueue), done, logger };
}

describe.each([{ driver: 'in-process', redis: false }, ...withRedis([{ driver: 'bullmq', redis: true }])])(
  'JobsModule ($driver)',
  ({ driver, redis }) => {
    const prefix = newPrefix();
    afterEach(async () => {
      if (redis) await deleteRedisKeys(REDIS_URL, prefix);
    });

    it('runs every registered recovery at bootstrap, logs a failing one, and closes the queue on shutdown', async () => {
      const { moduleRef, jobs, done, logger } = await startModule(redis ? { REDIS_URL, QUEUE_PREFIX: prefix } : {});
      expect(jobs.driver).toBe(driver);
      await jobs.drain(Q, 5000);
      expect(done).toEqual(['recovered-export']);
      expect(logger.lines).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/recovery broken failed: database unavailable/),
          expect.stringMatching(/recovery unfinished-exports done/),
        ]),
      );
      await moduleRef.close();
      await expect(jobs.ping()).rejects.toThrow(/closed/);
    });
  },
);

describe.each(withRedis(['api']))('JobsModule in ROLE=%s', () => {
  const prefix = newPrefix();
  afterEach(async () => {
    await deleteRedisKeys(REDIS_URL, prefix);
  });

  it('does not run recoveries', async () => {
    const env = { REDIS_URL, QUEUE_PREFIX: prefix, ROLE: 'api', DATABASE_URL: 'postgres://unused/relabel' };
    const { moduleRef, jobs, logger } = await startModule(env);
    expect(await jobs.counts(Q)).toMatchObject({ waiting: 0, completed: 0 });
    expect(logger.lines.filter((line) => line.includes('recovery'))).toEqual([]);
    await moduleRef.close();
  });
});
