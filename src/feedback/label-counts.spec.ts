import { describe, expect, it } from 'vitest';
import { labelCountsOf } from './feedback.repository.js';

describe('labelCountsOf', () => {
  it('derives composition, coverage and labels per class from one grouped pass', () => {
    const counts = labelCountsOf([
      { predicted: 'a', label: null, policy: 'model', source: null, missing: false, n: 5 },
      { predicted: 'a', label: 'a', policy: 'model', source: 'direct', missing: false, n: 3 },
      { predicted: 'b', label: 'a', policy: 'model', source: 'direct', missing: false, n: 2 },
      { predicted: 'b', label: 'b', policy: 'explore', source: 'audit', missing: true, n: 4 },
      { predicted: 'b', label: 'a', policy: 'model', source: 'direct', missing: true, n: 1 },
    ]);
    expect(counts.coverage).toEqual([
      { predicted: 'a', predictions: 8, labeled: 3 },
      { predicted: 'b', predictions: 7, labeled: 7 },
    ]);
    expect(counts.labelsByClass).toEqual({ a: 6, b: 4 });
    expect(counts.composition).toEqual([
      { policy: 'model', source: 'direct', agrees: true, missingPropensity: false, n: 3 },
      { policy: 'model', source: 'direct', agrees: false, missingPropensity: false, n: 2 },
      { policy: 'explore', source: 'audit', agrees: true, missingPropensity: true, n: 4 },
      { policy: 'model', source: 'direct', agrees: false, missingPropensity: true, n: 1 },
    ]);
  });
});
