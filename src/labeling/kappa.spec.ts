import { describe, expect, it } from 'vitest';
import { batchAgreement, cohenKappa, fleissKappa } from './kappa.js';

function pairs(counts: [string, string, number][]): [string, string][] {
  return counts.flatMap(([a, b, n]) => Array.from({ length: n }, () => [a, b] as [string, string]));
}

/** Items as category counts -> one label per rating. */
function rated(rows: number[][]): string[][] {
  return rows.map((counts) => counts.flatMap((n, category) => Array.from({ length: n }, () => `c${category}`)));
}

describe('cohenKappa', () => {
  it.each<[string, [string, string, number][], number]>([
    // Cohen (1960) as retold on Wikipedia: 50 proposals, yes/yes 20, yes/no 5, no/yes 10, no/no 15.
    [
      'the textbook 2x2 example',
      [
        ['yes', 'yes', 20],
        ['yes', 'no', 5],
        ['no', 'yes', 10],
        ['no', 'no', 15],
      ],
      0.4,
    ],
    [
      'perfect agreement',
      [
        ['a', 'a', 3],
        ['b', 'b', 2],
      ],
      1,
    ],
    [
      'agreement exactly at chance',
      [
        ['a', 'a', 1],
        ['a', 'b', 1],
        ['b', 'a', 1],
        ['b', 'b', 1],
      ],
      0,
    ],
    [
      'systematic disagreement',
      [
        ['a', 'b', 5],
        ['b', 'a', 5],
      ],
      -1,
    ],
  ])('%s', (_, counts, expected) => {
    expect(cohenKappa(pairs(counts))).toBeCloseTo(expected, 10);
  });

  it('handles three classes: po 0.7, pe 0.37, kappa 0.524', () => {
    // rater 1: a 5, b 3, c 2; rater 2: a 5, b 2, c 3; pe = .25 + .06 + .06 = .37 -> (0.7 - .37) / .63
    const data = pairs([
      ['a', 'a', 4],
      ['a', 'b', 1],
      ['b', 'b', 1],
      ['b', 'c', 1],
      ['b', 'a', 1],
      ['c', 'c', 2],
    ]);
    expect(cohenKappa(data)).toBeCloseTo((0.7 - 0.37) / 0.63, 10);
  });

  it('is null when both raters only ever use one class', () => {
    expect(cohenKappa(pairs([['a', 'a', 4]]))).toBeNull();
    expect(cohenKappa([])).toBeNull();
  });
});

describe('fleissKappa', () => {
  it('matches the textbook example: 10 items, 14 raters, 5 categories, kappa 0.210', () => {
    const items = rated([
      [0, 0, 0, 0, 14],
      [0, 2, 6, 4, 2],
      [0, 0, 3, 5, 6],
      [0, 3, 9, 2, 0],
      [2, 2, 8, 1, 1],
      [7, 7, 0, 0, 0],
      [3, 2, 6, 3, 0],
      [2, 5, 3, 2, 2],
      [6, 5, 2, 1, 0],
      [0, 2, 2, 3, 7],
    ]);
    expect(fleissKappa(items)).toBeCloseTo(0.20993, 4);
  });

  it('is 1 for unanimous items over more than one class', () => {
    expect(
      fleissKappa([
        ['a', 'a', 'a'],
        ['b', 'b', 'b'],
      ]),
    ).toBeCloseTo(1, 10);
  });

  it('agrees with Cohen on two raters who share marginals', () => {
    const data = pairs([
      ['a', 'a', 4],
      ['a', 'b', 1],
      ['b', 'a', 1],
      ['b', 'b', 4],
    ]);
    expect(fleissKappa(data)).toBeCloseTo(cohenKappa(data)!, 10);
  });

  it.each([
    ['no items', []],
    ['one rater per item', [['a'], ['b']]],
    [
      'items with different numbers of raters',
      [
        ['a', 'b'],
        ['a', 'b', 'a'],
      ],
    ],
    [
      'a single class',
      [
        ['a', 'a'],
        ['a', 'a'],
      ],
    ],
  ])('is null with %s', (_, items) => {
    expect(fleissKappa(items)).toBeNull();
  });
});

describe('batchAgreement', () => {
  const r = (labeler: string, label: string) => ({ labeler, label });

  it('uses Cohen between exactly two labelers, pairing their labels by labeler', () => {
    const items = [
      [r('ann', 'a'), r('bob', 'a')],
      [r('bob', 'b'), r('ann', 'b')],
      [r('ann', 'a'), r('bob', 'b')],
      [r('bob', 'a'), r('ann', 'b')],
      [r('ann', 'a')],
    ];
    const got = batchAgreement(items, 2);
    expect(got).toMatchObject({ method: 'cohen', items: 4, labelers: 2, reason: null });
    expect(got.kappa).toBeCloseTo(
      cohenKappa([
        ['a', 'a'],
        ['b', 'b'],
        ['a', 'b'],
        ['b', 'a'],
      ])!,
      10,
    );
  });

  it("uses Fleiss' over complete items when more labelers share the work", () => {
    const items = [
      [r('ann', 'a'), r('bob', 'a'), r('cy', 'a')],
      [r('ann', 'b'), r('bob', 'b'), r('dee', 'a')],
      [r('cy', 'b'), r('dee', 'b'), r('bob', 'b')],
      [r('ann', 'a'), r('cy', 'b')],
    ];
    const got = batchAgreement(items, 3);
    expect(got).toMatchObject({ method: 'fleiss', items: 3, labelers: 4, reason: null });
    expect(got.kappa).toBeCloseTo(
      fleissKappa([
        ['a', 'a', 'a'],
        ['b', 'b', 'a'],
        ['b', 'b', 'b'],
      ])!,
      10,
    );
  });

  it.each([
    ['one label per item', [[r('ann', 'a')]], 1, 'one_label_per_item'],
    ['no item with two labels yet', [[r('ann', 'a')], [r('bob', 'b')]], 2, 'no_item_labeled_twice_yet'],
    [
      'every label in one class',
      [
        [r('ann', 'a'), r('bob', 'a')],
        [r('ann', 'a'), r('bob', 'a')],
      ],
      2,
      'all_labels_in_one_class',
    ],
  ])('is null with a reason for %s', (_, items, labelsPerItem, reason) => {
    expect(batchAgreement(items, labelsPerItem)).toMatchObject({ kappa: null, reason });
  });
});
