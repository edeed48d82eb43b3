import { describe, expect, it } from 'vitest';
import { apportion, type Candidate, type ClassCandidates, fillQuotas, quotaShares } from './quotas.js';

const classes = ['a', 'b', 'c'];

/** n candidates of a class, keys from `firstKey` up in steps of 1 (smaller = more informative). */
function list(
  cls: string,
  n: number,
  { exhausted = true, firstKey = 0, hashes }: { exhausted?: boolean; firstKey?: number; hashes?: string[] } = {},
): ClassCandidates {
  const candidates: Candidate[] = Array.from({ length: n }, (_, i) => ({
    id: `${cls}${i}`,
    cls,
    featureHash: hashes?.[i] ?? `${cls}${i}`,
    score: null,
    key: firstKey + i,
  }));
  return { candidates, exhausted };
}

function fill(
  sizes: Record<string, number>,
  lists: Record<string, ClassCandidates>,
  spec: Parameters<typeof quotaShares>[0] = 'balanced',
) {
  const shares = quotaShares(spec, Object.keys(sizes));
  const asked = new Map(Object.entries(sizes));
  return fillQuotas(asked, shares, new Map(Object.entries(lists)));
}

describe('quotaShares', () => {
  it.each([
    ['balanced', 'balanced' as const, undefined, { a: 1 / 3, b: 1 / 3, c: 1 / 3 }],
    [
      'proportional to the pool',
      'proportional' as const,
      new Map([
        ['a', 60],
        ['b', 30],
        ['c', 10],
      ]),
      { a: 0.6, b: 0.3, c: 0.1 },
    ],
    [
      'proportional with an empty class',
      'proportional' as const,
      new Map([
        ['a', 5],
        ['b', 5],
      ]),
      { a: 0.5, b: 0.5, c: 0 },
    ],
    ['given shares, normalised', { a: 2, b: 1, c: 1 }, undefined, { a: 0.5, b: 0.25, c: 0.25 }],
    ['given shares with a class left out', { a: 0.5, b: 0.5 }, undefined, { a: 0.5, b: 0.5, c: 0 }],
  ])('%s', (_, spec, counts, expected) => {
    const shares = Object.fromEntries(quotaShares(spec, classes, counts));
    for (const c of classes) expect(shares[c]).toBeCloseTo(expected[c as keyof typeof expected], 12);
  });
});

describe('apportion', () => {
  it.each<[string, number, Record<string, number>, Record<string, number>]>([
    ['divides evenly', 9, { a: 1 / 3, b: 1 / 3, c: 1 / 3 }, { a: 3, b: 3, c: 3 }],
    ['gives the rounding remainder to the first classes', 10, { a: 1 / 3, b: 1 / 3, c: 1 / 3 }, { a: 4, b: 3, c: 3 }],
    ['takes back what rounding up overshot', 2, { a: 1 / 3, b: 1 / 3, c: 1 / 3 }, { a: 1, b: 1, c: 0 }],
    ['follows shares', 100, { a: 0.6, b: 0.3, c: 0.1 }, { a: 60, b: 30, c: 10 }],
    ['rounds half shares to an exact total', 5, { a: 0.5, b: 0.5, c: 0 }, { a: 3, b: 2, c: 0 }],
    ['never gives a zero share anything', 7, { a: 0, b: 1, c: 0 }, { a: 0, b: 7, c: 0 }],
    ['is all zero when every share is zero', 4, { a: 0, b: 0, c: 0 }, { a: 0, b: 0, c: 0 }],
    ['handles a size of zero', 0, { a: 0.5, b: 0.5, c: 0 }, { a: 0, b: 0, c: 0 }],
  ])('%s', (_, total, shares, expected) => {
    const parts = apportion(total, new Map(Object.entries(shares)));
    expect(Object.fromEntries(parts)).toEqual(expected);
    if (Object.values(shares).some((s) => s > 0)) expect([...parts.values()].reduce((x, y) => x + y, 0)).toBe(total);
  });

  it('sums exactly for many classes and awkward sizes', () => {
    const shares = new Map(Array.from({ length: 7 }, (_, i) => [`k${i}`, 1 / 7]));
    for (const total of [1, 6, 13, 100, 9999]) {
      expect([...apportion(total, shares).values()].reduce((x, y) => x + y, 0)).toBe(total);
    }
  });
});

describe('fillQuotas', () => {
  it('fills each quota with its most informative candidates', () => {
    const r = fill({ a: 2, b: 2, c: 2 }, { a: list('a', 5), b: list('b', 5), c: list('c', 5) });
    expect(r.picks.map((p) => p.id)).toEqual(['a0', 'a1', 'b0', 'b1', 'c0', 'c1']);
    expect(r.outcomes.get('a')).toEqual({ share: 1 / 3, asked: 2, filled: 2, shortBy: 0, reason: null });
    expect(r.starved).toEqual([]);
  });

  it('hands the quota a short class cannot use to the others, most informative first', () => {
    const r = fill(
      { a: 3, b: 3, c: 3 },
      { a: list('a', 1), b: list('b', 10, { firstKey: 0 }), c: list('c', 10, { firstKey: 3.5 }) },
    );
    // b's next keys are 3, 4, 5...; c's are 6.5, 7.5...: the two spare places go to b3 and b4.
    expect(r.picks.map((p) => p.id).sort()).toEqual(['a0', 'b0', 'b1', 'b2', 'b3', 'b4', 'c0', 'c1', 'c2'].sort());
    expect(r.outcomes.get('a')).toEqual({ share: 1 / 3, asked: 3, filled: 1, shortBy: 2, reason: 'too_few_candidates' });
    expect(r.outcomes.get('b')).toEqual({ share: 1 / 3, asked: 3, filled: 5, shortBy: 0, reason: 'received_unused_quota' });
    expect(r.outcomes.get('c')).toMatchObject({ filled: 3, reason: null });
  });

  it('puts everything in the one class that has candidates', () => {
    const r = fill({ a: 4, b: 3, c: 3 }, { a: list('a', 0), b: list('b', 20), c: list('c', 0) });
    expect(r.picks).toHaveLength(10);
    expect(r.picks.every((p) => p.cls === 'b')).toBe(true);
    expect(r.outcomes.get('a')).toMatchObject({ asked: 4, filled: 0, shortBy: 4, reason: 'too_few_candidates' });
  });

  it('takes the whole pool when the size is larger, and reports every class short', () => {
    const r = fill({ a: 10, b: 10, c: 10 }, { a: list('a', 2), b: list('b', 3), c: list('c', 1) });
    expect(r.picks).toHaveLength(6);
    expect([...r.outcomes.values()].map((o) => o.shortBy)).toEqual([8, 7, 9]);
  });

  it('gives nothing to a class with a zero share, not even unused quota', () => {
    const r = fill({ a: 5, b: 0, c: 5 }, { a: list('a', 2), b: list('b', 10), c: list('c', 5) }, { a: 0.5, c: 0.5 });
    expect(r.picks.filter((p) => p.cls === 'b')).toEqual([]);
    expect(r.outcomes.get('b')).toEqual({ share: 0, asked: 0, filled: 0, shortBy: 0, reason: null });
    expect(r.outcomes.get('a')).toMatchObject({ filled: 2, shortBy: 3 });
  });

  it('never takes two candidates with the same feature hash, within or across classes', () => {
    const r = fill(
      { a: 3, b: 2, c: 0 },
      {
        a: list('a', 5, { hashes: ['h1', 'h1', 'h2', 'h3', 'h4'] }),
        b: list('b', 3, { hashes: ['h2', 'h5', 'h6'] }),
        c: list('c', 0),
      },
      { a: 0.6, b: 0.4 },
    );
    const hashes = r.picks.map((p) => p.featureHash);
    expect(new Set(hashes).size).toBe(hashes.length);
    expect(r.picks.map((p) => p.id)).toEqual(['a0', 'a2', 'a3', 'b1', 'b2']);
  });

  it('skips hashes already used by the audit sample', () => {
    const shares = quotaShares('balanced', ['a']);
    const r = fillQuotas(new Map([['a', 2]]), shares, new Map([['a', list('a', 3)]]), new Set(['a0']));
    expect(r.picks.map((p) => p.id)).toEqual(['a1', 'a2']);
  });

  it('asks for more of a class whose fetched list ran out before it was exhausted', () => {
    const r = fill(
      { a: 3, b: 3, c: 0 },
      { a: list('a', 2, { exhausted: false }), b: list('b', 3), c: list('c', 0) },
      { a: 0.5, b: 0.5 },
    );
    expect(r.starved).toEqual(['a']);
  });

  it('asks for more of a class that could take unused quota', () => {
    const r = fill(
      { a: 3, b: 3, c: 0 },
      { a: list('a', 1), b: list('b', 3, { exhausted: false }), c: list('c', 0) },
      { a: 0.5, b: 0.5 },
    );
    expect(r.starved).toEqual(['b']);
  });
});
