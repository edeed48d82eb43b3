/**
 * Sizes a job's next transaction so that it takes about `targetMs`. On SQLite a job's transaction
 * holds the one writer, and with the in-process runner the event loop, for its whole length: at
 * fixed sizes the label join's 2,000 events took 110 ms on average and the rollup's 500 changes up
 * to 150 ms (bench/README.md, "Issue 11, fourth pass"), and every request that came meanwhile waited.
 * The size follows the measured time per row, halfway each time, within [min, max].
 */
export class AdaptiveBatch {
  private size: number;

  constructor(
    private readonly max: number,
    private readonly targetMs: number,
    private readonly min = Math.min(max, 50),
  ) {
    this.size = Number.isFinite(targetMs) ? this.min : max;
  }

  /** Rows for the next transaction. */
  get next(): number {
    return this.size;
  }

  /** What the last transaction did: `rows` in `ms`. A transaction with no rows says nothing. */
  record(rows: number, ms: number): void {
    if (rows <= 0 || !Number.isFinite(this.targetMs)) return;
    const ideal = (this.targetMs * rows) / Math.max(ms, 0.01);
    this.size = Math.round(Math.min(this.max, Math.max(this.min, (this.size + ideal) / 2)));
  }

  /** Runs one transaction of `next` rows through `step` (which returns how many it did) and records it. */
  async run(step: (limit: number) => Promise<number>): Promise<{ done: number; limit: number }> {
    const limit = this.size;
    const started = performance.now();
    const done = await step(limit);
    this.record(done, performance.now() - started);
    return { done, limit };
  }
}

/** A job's batch sizer as configured: sized to JOB_TX_TARGET_MS on SQLite, fixed at `max` otherwise. */
export function jobBatch(max: number, kind: 'sqlite' | 'postgres', targetMs: number): AdaptiveBatch {
  return new AdaptiveBatch(max, kind === 'sqlite' && targetMs > 0 ? targetMs : Infinity);
}
