/**
 * Who writes next to the one SQLite file when the API thread and the job thread each have a
 * connection (JOB_RUNNER=thread). SQLite lets one writer in at a time and its busy handler is not
 * fair: the job thread, starting a transaction microseconds after committing the last one, would
 * win nearly every time and keep requests waiting. So the API thread goes first: the job thread
 * starts a transaction only while no request wants to write, or after waiting JOB_YIELD_MS for one
 * (so the jobs are slowed by a stream of writes, never stopped). A request waits, without blocking
 * its event loop, for at most the job transaction that is running.
 *
 * The two flags live in a SharedArrayBuffer, with sequentially consistent Atomics: each side raises
 * its flag before reading the other's, so they never both go on believing the other is away. SQLite's
 * own lock still guards the file (and any other process such as a CLI): this only orders our two.
 */
const API_WANTS = 0;
const JOB_WRITING = 1;
const SLOTS = 2;

/** How long the job thread waits for the API thread's writes to pause before it writes anyway. */
export const JOB_YIELD_MS = 20;
/** How long a request waits for the job thread's transaction before it leaves it to SQLite's busy timeout. */
const API_WAIT_MS = 10_000;

export type WriteSide = 'api' | 'job';

export class WriteTurns {
  private readonly flags: Int32Array;

  constructor(
    readonly buffer: SharedArrayBuffer,
    readonly side: WriteSide,
    private readonly jobYieldMs = JOB_YIELD_MS,
  ) {
    if (buffer.byteLength < SLOTS * 4) throw new RangeError('WriteTurns needs a buffer of 8 bytes');
    this.flags = new Int32Array(buffer, 0, SLOTS);
  }

  static buffer(): SharedArrayBuffer {
    return new SharedArrayBuffer(SLOTS * 4);
  }

  /** Resolves when this side may begin a write transaction; release() when it has ended. */
  acquire(): Promise<void> {
    return this.side === 'api' ? this.acquireForApi() : this.acquireForJob();
  }

  release(): void {
    const slot = this.side === 'api' ? API_WANTS : JOB_WRITING;
    if (this.side === 'api') Atomics.sub(this.flags, slot, 1);
    else Atomics.store(this.flags, slot, 0);
    Atomics.notify(this.flags, slot);
  }

  /** The API side's repair after the job thread died (it may have died inside a transaction). */
  jobThreadGone(): void {
    Atomics.store(this.flags, JOB_WRITING, 0);
    Atomics.notify(this.flags, JOB_WRITING);
  }

  private async acquireForApi(): Promise<void> {
    Atomics.add(this.flags, API_WANTS, 1);
    const deadline = Date.now() + API_WAIT_MS;
    while (Atomics.load(this.flags, JOB_WRITING) === 1) {
      const left = deadline - Date.now();
      if (left <= 0) return;
      await waitWhile(this.flags, JOB_WRITING, 1, left);
    }
  }

  private async acquireForJob(): Promise<void> {
    const deadline = Date.now() + this.jobYieldMs;
    for (;;) {
      Atomics.store(this.flags, JOB_WRITING, 1);
      const wanting = Atomics.load(this.flags, API_WANTS);
      const left = deadline - Date.now();
      if (wanting === 0 || left <= 0) return;
      // A request wants to write: step aside until it is done, or until our patience runs out.
      Atomics.store(this.flags, JOB_WRITING, 0);
      Atomics.notify(this.flags, JOB_WRITING);
      await waitWhile(this.flags, API_WANTS, wanting, left);
    }
  }
}

async function waitWhile(flags: Int32Array, slot: number, value: number, timeoutMs: number): Promise<void> {
  const waited = Atomics.waitAsync(flags, slot, value, timeoutMs);
  if (waited.async) await waited.value;
}
