import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../common/random.js';
import reference from './fixtures/dawid-skene.json' with { type: 'json' };
import { argmax, estimatedAccuracies, fitDawidSkene, majorityPosterior, PatternTable, posteriorOf } from './label-model.js';

interface SyntheticFunction {
  coverage: number;
  accuracy: number;
  /** Votes only this class (a single-polarity function), or any class when undefined. */
  only?: number;
}

/** Votes of functions with known coverage and accuracy on items whose true class is known. */
function synthetic(seed: number, n: number, classes: number, prior: number[], fns: SyntheticFunction[]) {
  const random = new SeededRandom(seed);
  const table = new PatternTable(fns.length, classes);
  const items: { truth: number; outcomes: Uint8Array }[] = [];
  for (let i = 0; i < n; i++) {
    let u = random.next();
    let truth = 0;
    while (truth < classes - 1 && u >= prior[truth]) u -= prior[truth++];
    const outcomes = new Uint8Array(fns.length);
    fns.forEach((f, j) => {
      if (f.only !== undefined) {
        // Fires on its class with the rate that gives it the wanted accuracy at the wanted coverage.
        const onClass = (f.coverage * f.accuracy) / prior[f.only];
        const offClass = (f.coverage * (1 - f.accuracy)) / (1 - prior[f.only]);
        if (random.chance(truth === f.only ? onClass : offClass)) outcomes[j] = 1 + f.only;
        return;
      }
      if (!random.chance(f.coverage)) return;
      if (random.chance(f.accuracy)) outcomes[j] = 1 + truth;
      else outcomes[j] = 1 + ((truth + 1 + random.int(classes - 1)) % classes);
    });
    table.add(outcomes);
    items.push({ truth, outcomes });
  }
  return { table, items };
}

describe('majorityPosterior', () => {
  it('gives vote shares and abstains when nothing voted', () => {
    expect([...majorityPosterior(Uint8Array.from([1, 2, 1, 0]), 2)!]).toEqual([2 / 3, 1 / 3]);
    expect(majorityPosterior(Uint8Array.from([0, 0]), 2)).toBeNull();
  });
  it('argmax leaves a tie unlabelled', () => {
    expect(argmax(Float64Array.from([0.5, 0.5]))).toBe(-1);
    expect(argmax(Float64Array.from([0.2, 0.8]))).toBe(1);
  });
});

describe('fitDawidSkene', () => {
  it('recovers the accuracies of functions that vote any class', () => {
    const fns = [
      { coverage: 0.8, accuracy: 0.9 },
      { coverage: 0.7, accuracy: 0.75 },
      { coverage: 0.6, accuracy: 0.6 },
      { coverage: 0.9, accuracy: 0.85 },
      { coverage: 0.5, accuracy: 0.7 },
    ];
    const { table } = synthetic(7, 20_000, 3, [0.5, 0.3, 0.2], fns);
    const fit = fitDawidSkene(table);
    expect(fit.converged).toBe(true);
    estimatedAccuracies(fit).forEach((a, j) => expect(Math.abs(a - fns[j].accuracy)).toBeLessThan(0.03));
    expect(Math.abs(fit.priors[0] - 0.5)).toBeLessThan(0.03);
  });

  it('recovers the accuracies of single-polarity keyword-like functions', () => {
    const fns = [
      { coverage: 0.25, accuracy: 0.95, only: 1 },
      { coverage: 0.2, accuracy: 0.8, only: 1 },
      { coverage: 0.3, accuracy: 0.9, only: 0 },
      { coverage: 0.35, accuracy: 0.7, only: 0 },
      { coverage: 0.15, accuracy: 0.85, only: 1 },
    ];
    const { table } = synthetic(11, 40_000, 2, [0.6, 0.4], fns);
    const fit = fitDawidSkene(table);
    estimatedAccuracies(fit).forEach((a, j) => expect(Math.abs(a - fns[j].accuracy)).toBeLessThan(0.05));
  });

  it('labels like majority vote when the functions are equally good', () => {
    const fns = Array.from({ length: 5 }, () => ({ coverage: 1, accuracy: 0.75 }));
    const { table, items } = synthetic(3, 5000, 2, [0.5, 0.5], fns);
    const fit = fitDawidSkene(table);
    let differ = 0;
    for (const { outcomes } of items) {
      const mv = argmax(majorityPosterior(outcomes, 2)!);
      const ds = argmax(posteriorOf(outcomes, fit.priors, fit.confusion).posterior);
      if (mv !== ds) differ++;
    }
    expect(differ).toBe(0);
  });

  it('beats majority vote when one good function faces several poor ones that agree by chance', () => {
    const fns = [
      { coverage: 1, accuracy: 0.97 },
      { coverage: 1, accuracy: 0.6 },
      { coverage: 1, accuracy: 0.6 },
      { coverage: 1, accuracy: 0.6 },
    ];
    const { table, items } = synthetic(5, 10_000, 2, [0.5, 0.5], fns);
    const fit = fitDawidSkene(table);
    let mvRight = 0;
    let dsRight = 0;
    for (const { truth, outcomes } of items) {
      if (argmax(majorityPosterior(outcomes, 2)!) === truth) mvRight++;
      if (argmax(posteriorOf(outcomes, fit.priors, fit.confusion).posterior) === truth) dsRight++;
    }
    expect(dsRight / items.length).toBeGreaterThan(mvRight / items.length + 0.05);
  });

  it('matches a NumPy implementation of the same EM on a fixed vote matrix', () => {
    const table = new PatternTable(reference.functions, reference.classes);
    for (const row of reference.outcomes) table.add(Uint8Array.from(row));
    const fit = fitDawidSkene(table, { maxIterations: reference.iterations, tolerance: 0, smoothing: reference.smoothing });
    expect(fit.iterations).toBe(reference.iterations);
    fit.priors.forEach((p, c) => expect(p).toBeCloseTo(reference.priors[c], 8));
    fit.confusion.forEach((byClass, j) =>
      byClass.forEach((row, c) => row.forEach((v, o) => expect(v).toBeCloseTo(reference.confusion[j][c][o], 8))),
    );
    expect(fit.logLikelihood).toBeCloseTo(reference.logLikelihood, 6);
  });
});
