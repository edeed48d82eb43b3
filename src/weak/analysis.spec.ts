import { describe, expect, it } from 'vitest';
import { wilson } from '../slices/wilson.js';
import { chooseMethod, functionFigures, posteriorsOf, scoreModel } from './analysis.js';
import { PatternTable } from './label-model.js';

// A label matrix with -1 for abstain over classes 0 (ham) and 1 (spam).
const L = [
  [0, -1, 0],
  [1, 1, -1],
  [-1, 0, 1],
];

function table(humans: number[] = [-1, -1, -1], audits: boolean[] = [false, false, false]) {
  const t = new PatternTable(3, 2);
  L.forEach((row, i) => t.add(Uint8Array.from(row.map((v) => v + 1)), humans[i], audits[i]));
  return t;
}

describe('functionFigures', () => {
  it("matches Snorkel's own LFAnalysis test (test/labeling/test_analysis.py)", () => {
    const snorkelL = [
      [-1, -1, 0, -1, -1, 0],
      [-1, -1, -1, 2, -1, -1],
      [2, -1, -1, -1, -1, 0],
      [1, -1, 2, -1, 0, 0],
      [-1, -1, -1, -1, -1, -1],
      [1, -1, 0, 2, 1, 0],
    ];
    const Y = [0, 1, 2, 0, 1, 2];
    const t = new PatternTable(6, 3);
    snorkelL.forEach((row, i) => t.add(Uint8Array.from(row.map((v) => v + 1)), Y[i]));
    const figures = functionFigures(t, 6, ['a', 'b', 'c']);
    const close = (actual: number[], expected: number[]) => actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
    close(
      figures.map((f) => f.coverage),
      [3 / 6, 0, 3 / 6, 2 / 6, 2 / 6, 4 / 6],
    );
    close(
      figures.map((f) => f.overlap),
      [3 / 6, 0, 3 / 6, 1 / 6, 2 / 6, 4 / 6],
    );
    close(
      figures.map((f) => f.conflict),
      [3 / 6, 0, 2 / 6, 1 / 6, 2 / 6, 3 / 6],
    );
    expect(figures.map((f) => f.polarity)).toEqual([['b', 'c'], [], ['a', 'c'], ['c'], ['a', 'b'], ['a']]);
    expect(figures.map((f) => f.human.correct)).toEqual([1, 0, 1, 1, 1, 2]);
    expect(figures.map((f) => f.human.n - f.human.correct)).toEqual([2, 0, 2, 1, 1, 2]);
  });

  it('counts agreement with people, audit labels apart, with Wilson intervals', () => {
    const figures = functionFigures(table([0, 1, 1], [true, false, true]), 4, ['ham', 'spam']);
    // Function 0 voted ham on row 0 (human ham) and spam on row 1 (human spam): 2 of 2.
    expect(figures[0].human).toEqual({ n: 2, correct: 2, accuracy: 1, ci: wilson(2, 2) });
    expect(figures[0].audit).toEqual({ n: 1, correct: 1, accuracy: 1, ci: wilson(1, 1) });
    // Function 1 voted spam on row 1 (spam) and ham on row 2 (spam): 1 of 2; per class by its vote.
    expect(figures[1].human.correct).toBe(1);
    expect(figures[1].perClass.ham).toEqual({ n: 1, correct: 0, accuracy: 0, ci: wilson(0, 1) });
    expect(figures[2].audit.n).toBe(2);
  });
});

describe('scoreModel and chooseMethod', () => {
  it('majority vote leaves ties unlabelled and is kept without human labels', () => {
    const t = table([0, 1, 1]);
    const mv = scoreModel(t, 'majority', posteriorsOf('majority', null, 2));
    // Row 0: ham; row 1: spam; row 2 is a tie, unlabelled.
    expect(mv.labelled).toBe(2);
    expect(mv.human).toMatchObject({ n: 2, correct: 2 });
    expect(chooseMethod(mv, { ...mv, method: 'dawid_skene', human: { n: 0, correct: 0, accuracy: null, ci: [0, 1] } })).toBe(
      'majority',
    );
    expect(chooseMethod(mv, { ...mv, method: 'dawid_skene', human: { n: 2, correct: 2, accuracy: 1, ci: [0, 1] } })).toBe(
      'majority',
    );
    expect(
      chooseMethod({ ...mv, human: { n: 2, correct: 1, accuracy: 0.5, ci: [0, 1] } }, { ...mv, method: 'dawid_skene' }),
    ).toBe('dawid_skene');
  });
});
