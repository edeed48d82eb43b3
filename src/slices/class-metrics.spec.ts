import { describe, expect, it } from 'vitest';
import { addToConfusion, type Confusion, mostConfusedPair, perClass, tally } from './class-metrics.js';

// A three-class example worked by hand: rows are the labels, columns the predictions.
//            predicted: cat dog bird
//   actual cat           5   2   0
//   actual dog           1   3   1
//   actual bird          0   0   4
const example: Confusion = {
  cat: { cat: 5, dog: 2 },
  dog: { cat: 1, dog: 3, bird: 1 },
  bird: { bird: 4 },
};

describe('tally', () => {
  it('counts labeled and correct predictions', () => {
    expect(tally(example)).toEqual({ n: 16, correct: 12 });
    expect(tally({})).toEqual({ n: 0, correct: 0 });
  });
});

describe('perClass', () => {
  it.each<[string, number, number, number, number]>([
    // class, precision, recall, f1, support
    ['cat', 5 / 6, 5 / 7, (2 * (5 / 6) * (5 / 7)) / (5 / 6 + 5 / 7), 7],
    ['dog', 3 / 5, 3 / 5, 3 / 5, 5],
    ['bird', 4 / 5, 1, (2 * 0.8) / 1.8, 4],
  ])('computes %s from the confusion counts', (c, precision, recall, f1, support) => {
    const m = perClass(example)[c];
    expect(m.precision).toBeCloseTo(precision, 12);
    expect(m.recall).toBeCloseTo(recall, 12);
    expect(m.f1).toBeCloseTo(f1, 12);
    expect(m.support).toBe(support);
  });

  it('gives null precision to a class never predicted and null recall to one never labeled', () => {
    const m = perClass({ a: { b: 2 } }, ['a', 'b', 'c']);
    expect(m.a).toEqual({ precision: null, recall: 0, f1: null, support: 2 });
    expect(m.b).toEqual({ precision: 0, recall: null, f1: null, support: 0 });
    expect(m.c).toEqual({ precision: null, recall: null, f1: null, support: 0 });
  });

  it('gives F1 0 when precision and recall are both 0', () => {
    expect(perClass({ a: { b: 1 }, b: { a: 1 } }).a).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
  });

  it('lists the given classes first, then others seen in the counts', () => {
    expect(Object.keys(perClass({ z: { z: 1 } }, ['b', 'a']))).toEqual(['b', 'a', 'z']);
  });
});

describe('mostConfusedPair', () => {
  it('is the largest off-diagonal count', () => {
    expect(mostConfusedPair(example)).toEqual({ actual: 'cat', predicted: 'dog', n: 2 });
  });

  it('is null without mistakes', () => {
    expect(mostConfusedPair({ a: { a: 3 } })).toBeNull();
  });
});

describe('addToConfusion', () => {
  it('adds counts cell by cell', () => {
    const c: Confusion = {};
    addToConfusion(c, 'a', 'b', 2);
    addToConfusion(c, 'a', 'b', 3);
    addToConfusion(c, 'b', 'b', 1);
    expect(c).toEqual({ a: { b: 5 }, b: { b: 1 } });
  });
});
