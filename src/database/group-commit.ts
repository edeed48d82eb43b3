import type { Db } from './db.js';
import type { Tx } from './tx.js';

/** What a group does with its items: each one's own writes, then one step over all that succeeded. */
export interface GroupWork<T, R> {
  /** One item's writes, behind a savepoint of its own: when it throws, only its writes are undone. */
  apply(tx: Tx, item: T): Promise<R>;
  /** Runs once per transaction, after every item, with the results of those that succeeded. */
  afterAll(tx: Tx, results: R[]): Promise<void>;
}

interface Waiting<T, R> {
  item: T;
  size: number;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit on SQLite: items submitted while the event loop is busy (requests that arrived in one
 * turn, or while another transaction held the writer) share one transaction. Each item's writes sit
 * behind a savepoint, so one item's failure undoes only its own; `afterAll` then runs once over all
 * of them (maintained counts merge, one commit is written). When the shared transaction fails as a
 * whole (afterAll or the commit), every item runs again alone, so that an item fails only for its own
 * sake. The result is the same as committing the items one after the other in submission order.
 */
export class GroupCommit<T, R> {
  private waiting: Waiting<T, R>[] = [];
  private scheduled = false;

  /**
   * @param maxSize Total item size (rows) one transaction takes; the rest waits for the next.
   */
  constructor(
    private readonly db: Db,
    private readonly work: GroupWork<T, R>,
    private readonly maxSize: number,
  ) {}

  submit(item: T, size: number): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, size, resolve, reject });
      this.schedule();
    });
  }

  /** Runs one item in a transaction of its own, outside any group (e.g. an item too large to share one). */
  alone(item: T): Promise<R> {
    return this.db.tx(async (tx) => this.applyAlone(tx, item));
  }

  private schedule(): void {
    if (this.scheduled || this.waiting.length === 0) return;
    this.scheduled = true;
    // After this turn's I/O callbacks: the requests parsed in this turn join the same group.
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    let group: Waiting<T, R>[] = [];
    let outcomes: ({ ok: true; result: R } | { ok: false; error: unknown })[] = [];
    try {
      await this.db.tx(async (tx) => {
        // Taken when the writer is ours, so that items submitted while it was busy join this group.
        this.scheduled = false;
        group = this.take();
        outcomes = [];
        for (const waiting of group) outcomes.push(await this.applyBehindSavepoint(tx, waiting.item));
        const results = outcomes.flatMap((o) => (o.ok ? [o.result] : []));
        if (results.length > 0) await this.work.afterAll(tx, results);
      });
    } catch {
      // The group as a whole failed (or its transaction did not begin): each item alone, so that an
      // item's caller hears only of its own failure, as without grouping.
      if (group.length === 0) {
        this.scheduled = false;
        group = this.take();
      }
      outcomes = [];
      for (const waiting of group) {
        try {
          outcomes.push({ ok: true, result: await this.alone(waiting.item) });
        } catch (error) {
          outcomes.push({ ok: false, error });
        }
      }
    } finally {
      this.schedule();
    }
    group.forEach((waiting, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) waiting.resolve(outcome.result);
      else waiting.reject(outcome.error);
    });
  }

  private take(): Waiting<T, R>[] {
    let size = 0;
    let n = 0;
    while (n < this.waiting.length && (n === 0 || size + this.waiting[n].size <= this.maxSize)) size += this.waiting[n++].size;
    return this.waiting.splice(0, n);
  }

  private async applyBehindSavepoint(tx: Tx, item: T): Promise<{ ok: true; result: R } | { ok: false; error: unknown }> {
    await tx.run('SAVEPOINT group_item');
    try {
      const result = await this.work.apply(tx, item);
      await tx.run('RELEASE group_item');
      return { ok: true, result };
    } catch (error) {
      await tx.run('ROLLBACK TO group_item');
      await tx.run('RELEASE group_item');
      return { ok: false, error };
    }
  }

  private async applyAlone(tx: Tx, item: T): Promise<R> {
    const result = await this.work.apply(tx, item);
    await this.work.afterAll(tx, [result]);
    return result;
  }
}
