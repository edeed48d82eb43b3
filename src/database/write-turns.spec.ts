import { describe, expect, it } from 'vitest';
import { WriteTurns } from './write-turns.js';

/** Both sides of one buffer in this thread: Atomics.waitAsync works the same as across threads. */
function pair(jobYieldMs = 200): { api: WriteTurns; job: WriteTurns } {
  const buffer = WriteTurns.buffer();
  return { api: new WriteTurns(buffer, 'api'), job: new WriteTurns(buffer, 'job', jobYieldMs) };
}

/** Whether the promise settles within ms. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((done) => (timer = setTimeout(() => done(false), ms)));
  const result = await Promise.race([promise.then(() => true as const), late]);
  clearTimeout(timer);
  return result;
}

describe('WriteTurns', () => {
  it('lets either side write at once when the other is away', async () => {
    const { api, job } = pair();
    expect(await settlesWithin(job.acquire(), 20)).toBe(true);
    job.release();
    expect(await settlesWithin(api.acquire(), 20)).toBe(true);
    api.release();
  });

  it('makes a request wait for the job transaction that is running, and no longer', async () => {
    const { api, job } = pair();
    await job.acquire();
    const request = api.acquire();
    expect(await settlesWithin(request, 60)).toBe(false);
    job.release();
    expect(await settlesWithin(request, 60)).toBe(true);
    api.release();
  });

  it('makes the job thread step aside while a request wants to write', async () => {
    const { api, job } = pair(2_000);
    await api.acquire();
    const jobTurn = job.acquire();
    expect(await settlesWithin(jobTurn, 80)).toBe(false);
    api.release();
    expect(await settlesWithin(jobTurn, 80)).toBe(true);
    job.release();
  });

  it('lets the job thread write after its patience runs out, so a stream of writes never stops the jobs', async () => {
    const { api, job } = pair(50);
    await api.acquire();
    const started = performance.now();
    await job.acquire();
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(45);
    expect(waited).toBeLessThan(1_000);
    // The request holding its turn is unaffected; the next one now waits for the job's transaction.
    api.release();
    const next = api.acquire();
    expect(await settlesWithin(next, 40)).toBe(false);
    job.release();
    expect(await settlesWithin(next, 40)).toBe(true);
    api.release();
  });

  it('counts every waiting request: the job waits until the last one is done', async () => {
    const { api, job } = pair(2_000);
    const second = new WriteTurns(api.buffer, 'api');
    await api.acquire();
    await second.acquire();
    const jobTurn = job.acquire();
    api.release();
    expect(await settlesWithin(jobTurn, 60)).toBe(false);
    second.release();
    expect(await settlesWithin(jobTurn, 60)).toBe(true);
    job.release();
  });

  it('frees a waiting request when the job thread dies inside a transaction', async () => {
    const { api, job } = pair();
    await job.acquire();
    const request = api.acquire();
    expect(await settlesWithin(request, 40)).toBe(false);
    api.jobThreadGone();
    expect(await settlesWithin(request, 40)).toBe(true);
    api.release();
  });

  it('refuses a buffer too small for its two flags', () => {
    expect(() => new WriteTurns(new SharedArrayBuffer(4), 'api')).toThrow(RangeError);
  });
});
