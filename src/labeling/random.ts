/** A seeded pseudo-random generator (mulberry32): batch selection is reproducible given a seed. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Shuffles in place (Fisher-Yates) and returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }

  /**
   * Up to `count` integers from [0, size) that are not in `drawn`, each uniformly at random; adds
   * them to `drawn`. Rejection is cheap while `drawn` is a small part of the range, which is how
   * the sampler uses it (it falls back to a scan long before the range fills up).
   */
  distinct(size: number, count: number, drawn: Set<number>): number[] {
    const out: number[] = [];
    const want = Math.min(count, size - drawn.size);
    while (out.length < want) {
      const n = this.int(size);
      if (drawn.has(n)) continue;
      drawn.add(n);
      out.push(n);
    }
    return out;
  }
}
