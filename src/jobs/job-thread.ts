import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import { tracingRequested } from '../ops/tracing-env.js';
import type { JobThreadData } from './job-thread.options.js';
import type { FromJobThread, ThreadMetrics, ToJobThread } from './thread.driver.js';

/**
 * The job thread of JOB_RUNNER=thread (started by ThreadJobQueue): the same application without
 * HTTP, on its own SQLite connection, running every processor through an InProcessJobQueue, and
 * answering the API thread's calls on that queue.
 */
const port = parentPort;
if (!port) throw new Error('job-thread.js runs as a worker thread');

/** Process-wide figures the API thread reports already; the thread's own would double them. */
const PROCESS_METRICS = /^relabel_(process_|nodejs_)/;

async function main(parent: NonNullable<typeof parentPort>): Promise<void> {
  const data = workerData as JobThreadData;
  // As in main.ts: the SDK hooks modules as they load, so the app is imported after it starts.
  if (tracingRequested(process.env)) await (await import('../ops/tracing.js')).startTracing();
  const { createJobThreadApp } = await import('../app.factory.js');
  const { JobQueue } = await import('./job-queue.js');
  const { InProcessJobQueue } = await import('./in-process.driver.js');
  const { MetricsService } = await import('../ops/metrics.service.js');
  const app = await createJobThreadApp(data.config, data.turns);
  const jobs = app.get(JobQueue);
  if (!(jobs instanceof InProcessJobQueue)) throw new Error('the job thread runs an in-process queue');
  const metrics = app.get(MetricsService);
  const send = (message: FromJobThread) => parent.postMessage(message);

  const calls: Record<string, (args: unknown[], trace?: Record<string, string>) => Promise<unknown>> = {
    add: ([queue, name, payload, options], trace) => jobs.addFor(trace, queue as never, name as string, payload, options as never),
    repeat: ([queue, name, everyMs, payload]) => jobs.repeat(queue as never, name as string, everyMs as number, payload),
    getJob: ([queue, id]) => jobs.getJob(queue as never, id as string),
    counts: ([queue]) => jobs.counts(queue as never),
    drain: ([queue, timeoutMs, waitDelayedMs]) => jobs.drain(queue as never, timeoutMs as number, waitDelayedMs as number),
    ping: () => jobs.ping(),
    metrics: async (): Promise<ThreadMetrics> =>
      (await metrics.registry.getMetricsAsJSON()).filter((metric) => !PROCESS_METRICS.test(metric.name)) as ThreadMetrics,
  };

  let closing = false;
  parent.on('message', (message: ToJobThread) => {
    if (message.kind === 'close') {
      if (closing) return;
      closing = true;
      void app.close().finally(() => process.exit(0));
      return;
    }
    const call = calls[message.method];
    Promise.resolve()
      .then(() => call(message.args, message.trace))
      .then(
        (value) => send({ kind: 'reply', id: message.id, ok: true, value: value ?? null }),
        (error: unknown) =>
          send({ kind: 'reply', id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
      );
  });
  send({ kind: 'ready' });
}

main(port).catch((error: unknown) => {
  port.postMessage({ kind: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies FromJobThread);
  process.exit(1);
});
