import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { MetricsService } from '../ops/metrics.service.js';
import { InProcessJobQueue } from './in-process.driver.js';
import { JobObserver } from './job-observer.js';
import { QueueName } from './job-queue.js';
import { AttemptLog, StallWatch } from './stall-watch.js';

const quiet = { log() {}, error() {}, warn() {} };

describe('AttemptLog.during', () => {
  it('lists the attempts that overlap the interval, finished or still running', () => {
    const log = new AttemptLog();
    const before = log.start('labels/tick 1', 0);
    log.end(before, 100);
    const across = log.start('slices/rollup 2', 150);
    log.end(across, 900);
    const running = log.start('alerts/evaluate 3', 600);
    expect(log.during(200, 800).map((a) => a.what)).toEqual(['slices/rollup 2', 'alerts/evaluate 3']);
    expect(log.during(0, 120).map((a) => a.what)).toEqual(['labels/tick 1']);
    expect(log.during(950, 1000).map((a) => a.what)).toEqual(['alerts/evaluate 3']);
    log.end(running, 1000);
    expect(log.during(1001, 1100)).toEqual([]);
  });
});

describe('StallWatch.check', () => {
  const watch = new StallWatch(new AttemptLog(), undefined, quiet, 500);

  it.each([
    [0, 100, null],
    [0, 599, null],
    [0, 600, 500],
    [1000, 3100, 2000],
  ])('ticks at %i and %i ms: blocked %s ms', (last, now, blocked) => {
    expect(watch.check(last, now)?.blockedMs ?? null).toBe(blocked);
  });
});

describe('the stall watch of an in-process queue', () => {
  let jobs: InProcessJobQueue | undefined;
  afterEach(async () => {
    await jobs?.close();
    jobs = undefined;
  });

  it('logs a job that blocks the event loop, names it, and counts the stall', async () => {
    const warnings: string[] = [];
    const metrics = new MetricsService();
    const observer = new JobObserver(metrics, { ...quiet, warn: (message: string) => void warnings.push(message) });
    observer.watchStalls();
    jobs = new InProcessJobQueue({ observer });
    jobs.process(QueueName.Labels, async () => {
      const until = Date.now() + 800;
      while (Date.now() < until); // a synchronous transaction that holds the loop
      return null;
    });
    await sleep(150); // let the watch tick once before the block
    await jobs.add(QueueName.Labels, 'tick', {}, { jobId: 'busy' });
    await jobs.drain(QueueName.Labels);
    await sleep(250);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^event loop blocked for (\d+) ms; job attempts running meanwhile: labels\/tick busy \(\d+ ms\)$/,
    );
    expect(Number(/blocked for (\d+) ms/.exec(warnings[0])?.[1])).toBeGreaterThanOrEqual(700);
    expect(await metrics.registry.getSingleMetricAsString('relabel_event_loop_stalls_total')).toMatch(
      /relabel_event_loop_stalls_total 1$/m,
    );
  });

  it('stops watching when the queue closes', async () => {
    const warnings: string[] = [];
    const observer = new JobObserver(undefined, { ...quiet, warn: (message: string) => void warnings.push(message) });
    observer.watchStalls();
    jobs = new InProcessJobQueue({ observer });
    await jobs.close();
    const until = Date.now() + 700;
    while (Date.now() < until);
    await sleep(250);
    expect(warnings).toEqual([]);
  });

  it('on the HTTP thread of JOB_RUNNER=thread, which runs no job, says a request held the loop', async () => {
    const warnings: string[] = [];
    const watch = new StallWatch(
      new AttemptLog(),
      undefined,
      { ...quiet, warn: (message: string) => void warnings.push(message) },
      500,
      'the job thread',
    );
    watch.start();
    try {
      await sleep(150);
      const until = Date.now() + 700;
      while (Date.now() < until);
      await sleep(250);
    } finally {
      watch.stop();
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^event loop blocked for \d+ ms; no job runs here \(they run in the job thread\), so a request held it$/,
    );
  });
});
