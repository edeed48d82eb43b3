/**
 * How many rows the next step of a background drain takes, so that one step's transaction lasts
 * about budgetMs. On SQLite a transaction runs synchronously and holds the event loop (embedded
 * runner) or the write turn (job thread) for its whole length: a fixed 2,000-row step took 120 to
 * 250 ms under a backlog, and every request waited behind it (bench/README.md, issue 11, item 4).
 * The size follows the measured cost per row, between min and max; a budget of 0 keeps it at max.
 */
export class StepSize {
  private perRowMs: number | null = null;

  constructor(
    private readonly budgetMs: number,
    private readonly min: number,
    private readonly max: number,
  ) {
    if (!(budgetMs >= 0) || !(min >= 1) || !(max >= min)) throw new RangeError('StepSize needs budgetMs >= 0 and 1 <= min <= max');
  }

  /**
   * Rows for the next step: max when nothing waits on the step (`busy` false) or until a step has
   * been measured.
   */
  next(busy = true): number {
    if (!busy || this.budgetMs === 0 || this.perRowMs === null || this.perRowMs === 0) return this.max;
    return Math.max(this.min, Math.min(this.max, Math.floor(this.budgetMs / this.perRowMs)));
  }

  /** A step of `rows` rows took `ms`. Steps of few rows say little about a row's cost and are ignored. */
  record(rows: number, ms: number): void {
    if (rows < this.min) return;
    const perRow = Math.max(0, ms) / rows;
    // Moves a third of the way to each new figure: one slow step (a checkpoint, a GC) does not halve the next.
    this.perRowMs = this.perRowMs === null ? perRow : this.perRowMs + (perRow - this.perRowMs) / 3;
  }
}
