interface Entry<T> {
  dueAt: number;
  seq: number;
  item: T;
}

/**
 * Things to do at a given time (events the simulated users will send, slow prediction logs), in a
 * binary heap ordered by time and then by insertion. It holds at most `capacity` items: pushing into
 * a full queue refuses the item (and says so), so a simulator streaming for days stays within bounds.
 */
export class DueQueue<T> {
  private readonly heap: Entry<T>[] = [];
  private seq = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
  }

  get size(): number {
    return this.heap.length;
  }

  /** Whether `n` more items fit. */
  fits(n: number): boolean {
    return this.heap.length + n <= this.capacity;
  }

  /** Adds an item due at `dueAt`; false (and nothing added) when the queue is full. */
  push(dueAt: number, item: T): boolean {
    if (this.heap.length >= this.capacity) return false;
    this.heap.push({ dueAt, seq: this.seq++, item });
    this.up(this.heap.length - 1);
    return true;
  }

  /** The time the next item is due, or null when empty. */
  peekDueAt(): number | null {
    return this.heap.length > 0 ? this.heap[0].dueAt : null;
  }

  /** Removes and returns up to `max` items due at or before `now`, earliest first. */
  takeDue(now: number, max = Infinity): T[] {
    const due: T[] = [];
    while (due.length < max && this.heap.length > 0 && this.heap[0].dueAt <= now) due.push(this.pop());
    return due;
  }

  private pop(): T {
    const top = this.heap[0];
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
    return top.item;
  }

  private before(a: Entry<T>, b: Entry<T>): boolean {
    return a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.seq < b.seq);
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < h.length && this.before(h[l], h[best])) best = l;
      if (r < h.length && this.before(h[r], h[best])) best = r;
      if (best === i) return;
      [h[i], h[best]] = [h[best], h[i]];
      i = best;
    }
  }
}
