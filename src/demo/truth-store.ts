/**
 * A map that keeps at most `capacity` entries, forgetting the oldest insertions first, so that a
 * simulator streaming for days does not grow without bound.
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
  }

  get size(): number {
    return this.entries.size;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  /** Oldest first. */
  *[Symbol.iterator](): IterableIterator<[K, V]> {
    yield* this.entries;
  }
}
