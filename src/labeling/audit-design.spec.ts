import { describe, expect, it } from 'vitest';
import { equalAllocation, stratum } from './audit-design.js';

const caps = (entries: [string, number][]) => new Map(entries);

describe('equalAllocation', () => {
  it.each([
    [
      'splits evenly',
      30,
      [
        ['a', 100],
        ['b', 100],
        ['c', 100],
      ],
      { a: 10, b: 10, c: 10 },
    ],
    [
      'gives remainders to the first strata',
      10,
      [
        ['a', 100],
        ['b', 100],
        ['c', 100],
      ],
      { a: 4, b: 3, c: 3 },
    ],
    [
      'moves what a small stratum cannot take to the others',
      30,
      [
        ['a', 2],
        ['b', 100],
        ['c', 100],
      ],
      { a: 2, b: 14, c: 14 },
    ],
    [
      'stops when every stratum is full',
      50,
      [
        ['a', 3],
        ['b', 4],
      ],
      { a: 3, b: 4 },
    ],
    ['places nothing for a total of 0', 0, [['a', 3]], { a: 0 }],
    [
      'leaves empty strata at 0',
      5,
      [
        ['a', 0],
        ['b', 9],
      ],
      { a: 0, b: 5 },
    ],
  ] as const)('%s', (_name, total, capacities, expected) => {
    const got = equalAllocation(total, caps(capacities.map(([k, n]) => [k, n])));
    expect(Object.fromEntries(got)).toEqual(expected);
  });

  it('always places min(total, sum of capacities)', () => {
    for (let total = 0; total < 60; total += 7) {
      const got = equalAllocation(
        total,
        caps([
          ['a', 5],
          ['b', 1],
          ['c', 30],
          ['d', 12],
        ]),
      );
      expect([...got.values()].reduce((a, b) => a + b, 0)).toBe(Math.min(total, 48));
    }
  });
});

describe('stratum', () => {
  it('weights each drawn label by population / filled, null when nothing was drawn', () => {
    expect(stratum('de', 400, 10, 8).weight).toBe(50);
    expect(stratum('fr', 0, 10, 0).weight).toBeNull();
  });
});
