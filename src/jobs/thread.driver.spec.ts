import { afterEach, describe, expect, it } from 'vitest';
import { QueueName } from './job-queue.js';
import { ThreadJobQueue } from './thread.driver.js';

const SCRIPT = new URL('./fixtures/echo-thread.mjs', import.meta.url);
const quiet = { log() {}, error() {}, warn() {} };
let queue: ThreadJobQueue | undefined;

function threadQueue(options: Partial<ConstructorParameters<typeof ThreadJobQueue>[0]> = {}): ThreadJobQueue {
  queue = new ThreadJobQueue({ script: SCRIPT, workerData: {}, restartDelayMs: 20, logger: quiet, ...options });
  return queue;
}

afterEach(async () => {
  await queue?.close();
  queue = undefined;
});

describe('ThreadJobQueue', () => {
  it('forwards each call to the thread and resolves with its answer', async () => {
    const jobs = threadQueue();
    await jobs.start();
    expect(await jobs.add(QueueName.Labels, 'tick', { n: 1 }, { jobId: 'x' })).toEqual({
      method: 'add',
      args: ['labels', 'tick', { n: 1 }, { jobId: 'x' }],
      trace: null,
    });
    expect(await jobs.counts(QueueName.Exports)).toEqual({ method: 'counts', args: ['exports'], trace: null });
    expect(await jobs.drain(QueueName.Slices, 500, 7)).toEqual({ method: 'drain', args: ['slices', 500, 7], trace: null });
    await expect(jobs.ping()).resolves.toBeUndefined();
  });

  it('calls onClose once when it closes', async () => {
    let closes = 0;
    const jobs = threadQueue({ onClose: () => closes++ });
    await jobs.start();
    await jobs.close();
    await jobs.close();
    expect(closes).toBe(1);
  });

  it('waits for a thread that is still starting before it forwards a call', async () => {
    const jobs = threadQueue();
    const early = jobs.getJob(QueueName.Exports, 'e1');
    void jobs.start();
    expect(await early).toEqual({ method: 'getJob', args: ['exports', 'e1'], trace: null });
  });

  it('rejects the calls a dying thread never answered, restarts it, and forwards to the new one', async () => {
    let exits = 0;
    const jobs = threadQueue({ onExit: () => exits++ });
    await jobs.start();
    const unanswered = jobs.add(QueueName.Labels, 'silent', {});
    await expect(jobs.add(QueueName.Labels, 'exit', {})).rejects.toThrow(/exited \(code 3\)/);
    await expect(unanswered).rejects.toThrow(/exited/);
    expect(exits).toBe(1);
    expect(await jobs.counts(QueueName.Labels)).toEqual({ method: 'counts', args: ['labels'], trace: null });
    expect(jobs.starts).toBe(2);
  });

  it('gives up on a thread that does not become ready, instead of hanging the caller', async () => {
    const jobs = threadQueue({ workerData: { neverReady: true }, readyTimeoutMs: 100 });
    await expect(jobs.start(150)).rejects.toThrow(/not ready after 150 ms/);
    await expect(jobs.counts(QueueName.Labels)).rejects.toThrow(/not ready after 100 ms/);
  });

  it('stops the thread on close and refuses calls afterwards', async () => {
    let exits = 0;
    const jobs = threadQueue({ onExit: () => exits++ });
    await jobs.start();
    await jobs.close();
    expect(exits).toBe(1);
    await expect(jobs.add(QueueName.Labels, 'tick', {})).rejects.toThrow(/closed/);
    await expect(jobs.ping()).rejects.toThrow(/closed/);
    expect(jobs.starts).toBe(1);
  });
});
