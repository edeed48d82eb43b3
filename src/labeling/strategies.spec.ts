import { describe, expect, it } from 'vitest';
import { rankByStrategy } from './strategies.js';

// Each vector's uncertainty, worked out by hand:
//   a [0.90, 0.05, 0.05]  1-p 0.10  margin 0.85  entropy 0.394
//   b [0.50, 0.45, 0.05]  1-p 0.50  margin 0.05  entropy 0.856
//   c [0.40, 0.30, 0.30]  1-p 0.60  margin 0.10  entropy 1.089
//   d [0.60, 0.20, 0.20]  1-p 0.40  margin 0.40  entropy 0.950
//   e [1.00, 0.00, 0.00]  1-p 0.00  margin 1.00  entropy 0
const vectors = [
  [0.9, 0.05, 0.05],
  [0.5, 0.45, 0.05],
  [0.4, 0.3, 0.3],
  [0.6, 0.2, 0.2],
  [1, 0, 0],
];
const names = (order: number[]) => order.map((i) => 'abcde'[i]).join('');

describe('rankByStrategy', () => {
  it.each([
    ['least_confidence', 'highest 1 - p(top) first', 'cbdae'],
    ['margin', 'smallest p(top) - p(second) first', 'bcdae'],
    ['entropy', 'highest entropy first', 'cdbae'],
  ] as const)('%s ranks %s', (strategy, _, expected) => {
    expect(names(rankByStrategy(vectors, strategy))).toBe(expected);
  });

  it('margin and least confidence disagree where the runner-up is close', () => {
    const closeRace = [0.5, 0.49, 0.01];
    const flat = [0.4, 0.2, 0.2, 0.2];
    expect(rankByStrategy([flat, closeRace], 'least_confidence')).toEqual([0, 1]);
    expect(rankByStrategy([flat, closeRace], 'margin')).toEqual([1, 0]);
  });

  it('keeps input order for ties', () => {
    expect(
      rankByStrategy(
        [
          [0.5, 0.5],
          [0.5, 0.5],
          [0.5, 0.5],
        ],
        'entropy',
      ),
    ).toEqual([0, 1, 2]);
  });

  it('random is a permutation that the seed reproduces and another seed changes', () => {
    const many = Array.from({ length: 50 }, (_, i) => [i / 50, 1 - i / 50]);
    const first = rankByStrategy(many, 'random', 42);
    expect([...first].sort((x, y) => x - y)).toEqual(many.map((_, i) => i));
    expect(rankByStrategy(many, 'random', 42)).toEqual(first);
    expect(rankByStrategy(many, 'random', 43)).not.toEqual(first);
    expect(first).not.toEqual(many.map((_, i) => i));
  });
});
