import { describe, expect, it } from 'vitest';
import { emptyFeatureProfile, observe } from '../../monitoring/profile.js';
import { featureHistogram } from './histogram.js';

const profileOf = (values: unknown[]) => {
  const p = emptyFeatureProfile();
  for (const v of values) observe(p, v, undefined);
  return p;
};

describe('feature histograms', () => {
  it('draws baseline and current on the same numeric bins, tallest bar at full height', () => {
    const h = featureHistogram(profileOf([1, 2, 2, 3, 3, 3]), profileOf([3, 3, 3, 3]))!;
    expect(h.bars).toHaveLength(16);
    const tallest = Math.max(...h.bars.map((b) => b.current.h));
    expect(tallest).toBe(78);
    expect(h.bars.at(-1)!.current.h).toBe(78);
    expect(h.bars[0].baseline.h).toBeGreaterThan(0);
    expect(h.bars[0].current.h).toBe(0);
  });

  it('draws the top categories of both sides', () => {
    const h = featureHistogram(profileOf(['de', 'de', 'fr']), profileOf(['fr', 'us']))!;
    expect(h.bars.map((b) => b.label).sort()).toEqual(['de', 'fr', 'us']);
  });

  it('has nothing to draw without values', () => {
    expect(featureHistogram(null, null)).toBeNull();
  });
});
