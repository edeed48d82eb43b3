import { describe, expect, it } from 'vitest';
import { biasTest, estimateAccuracy, type EstimateMethod } from './estimate.js';
import { auditAndTally, HARD, LOOPED, type Item, randomSpec, seeded, simulate } from './fixtures/world.js';

interface Run {
  covered: boolean;
  method: EstimateMethod;
  error: number;
  naiveError: number;
  biased: boolean;
}

function run(items: Item[], audit: Record<string, number>, random: () => number): Run {
  const { cells, labelAccuracy, truth } = auditAndTally(items, audit, random);
  const { estimate } = estimateAccuracy(cells);
  if (!estimate) throw new Error('every world has audit labels');
  return {
    covered: estimate.ci[0] <= truth && truth <= estimate.ci[1],
    method: estimate.method,
    error: estimate.accuracy - truth,
    naiveError: labelAccuracy - truth,
    biased: biasTest(labelAccuracy, estimate).biased,
  };
}

const mean = (xs: number[]) => xs.reduce((t, x) => t + x, 0) / xs.length;
const share = (runs: Run[], f: (r: Run) => boolean) => runs.filter(f).length / runs.length;

describe('the estimate covers the true accuracy of all predictions in seeded loop worlds', () => {
  it('in 600 random worlds with uniform audits of 40 to 300 labels, >= 93% at 95% nominal', () => {
    const runs: Run[] = [];
    for (let seed = 1; seed <= 600; seed++) {
      const random = seeded(seed);
      const items = simulate(randomSpec(random, 2000), random);
      runs.push(run(items, { '*': [40, 100, 300][seed % 3] }, random));
    }
    expect(share(runs, (r) => r.covered)).toBeGreaterThanOrEqual(0.93);
    // Most worlds do use the behaviour labels, and the estimate has no visible bias.
    expect(share(runs, (r) => r.method === 'ppi++')).toBeGreaterThan(0.5);
    expect(Math.abs(mean(runs.map((r) => r.error)))).toBeLessThan(0.005);
  });

  it('in the hard-ham world, where label accuracy is off by more than 0.3, in >= 93% of 400 seeds', () => {
    const runs: Run[] = [];
    for (let seed = 1; seed <= 400; seed++) {
      const random = seeded(10_000 + seed);
      runs.push(run(simulate(HARD, random), { '*': 80 }, random));
    }
    expect(mean(runs.map((r) => r.naiveError))).toBeGreaterThan(0.3);
    expect(share(runs, (r) => r.covered)).toBeGreaterThanOrEqual(0.93);
    expect(Math.abs(mean(runs.map((r) => r.error)))).toBeLessThan(0.01);
    // The gap is large enough that almost every world flags the slice's label accuracy as biased.
    expect(share(runs, (r) => r.biased)).toBeGreaterThan(0.95);
  });

  it('in a loop whose behaviour labels flatter the model by 0.15, using them (ppi++) and covering in >= 93% of 300 seeds', () => {
    const runs: Run[] = [];
    for (let seed = 1; seed <= 300; seed++) {
      const random = seeded(40_000 + seed);
      runs.push(run(simulate(LOOPED, random), { '*': 150 }, random));
    }
    expect(mean(runs.map((r) => r.naiveError))).toBeGreaterThan(0.15);
    expect(share(runs, (r) => r.method === 'ppi++')).toBeGreaterThan(0.95);
    expect(share(runs, (r) => r.covered)).toBeGreaterThanOrEqual(0.93);
    expect(Math.abs(mean(runs.map((r) => r.error)))).toBeLessThan(0.005);
  });

  it('with by_slice audits that sample strata at different rates, in >= 93% of 300 seeds', () => {
    const runs: Run[] = [];
    for (let seed = 1; seed <= 300; seed++) {
      const random = seeded(20_000 + seed);
      const items = [
        ...simulate({ ...randomSpec(random, 2400), population: 2400 }, random, 'big'),
        ...simulate(HARD, random, 'hard'),
        ...simulate(randomSpec(random, 300), random, 'small'),
      ];
      runs.push(run(items, { big: 40, hard: 60, small: 30 }, random));
    }
    expect(share(runs, (r) => r.covered)).toBeGreaterThanOrEqual(0.93);
    expect(Math.abs(mean(runs.map((r) => r.error)))).toBeLessThan(0.01);
  });

  it('rarely calls label accuracy biased when the behaviour labels are right', () => {
    const runs: Run[] = [];
    const clean = {
      ...HARD,
      spamRate: 0.3,
      recallSpam: 0.9,
      recallHam: 0.9,
      explore: 1,
      report: 1,
      falseReport: 0,
      implicitShown: 1,
    };
    for (let seed = 1; seed <= 200; seed++) {
      const random = seeded(30_000 + seed);
      runs.push(run(simulate(clean, random), { '*': 100 }, random));
    }
    expect(share(runs, (r) => r.biased)).toBeLessThan(0.1);
  });
});
