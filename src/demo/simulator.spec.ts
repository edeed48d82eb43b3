import { describe, expect, it } from 'vitest';
import type { ErrorDetail } from '../common/api-error.js';
import type { FeatureSpec } from '../models/model-settings.js';
import { compileModels, validatePrediction } from '../predictions/prediction-rows.js';
import { Rng, ZipfSampler } from './random.js';
import { CLASSES, MODEL_NAME, type SimulatedPrediction, SHOP_RECOMMENDER_MODEL, ShopWorld } from './shop-world.js';
import { BoundedMap } from './truth-store.js';

const NOW = Date.UTC(2026, 0, 15, 12);
const DAY = 86_400_000;

function sample(seed: number, n: number, v2Since = NOW - DAY): SimulatedPrediction[] {
  const world = new ShopWorld(seed, { v2Since });
  return Array.from({ length: n }, (_, i) => world.generate(`p-${i}`, NOW - 2 * DAY + Math.round((i * 2 * DAY) / n)));
}

describe('Rng', () => {
  it('repeats the same sequence for the same seed', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const first = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(first);
  });

  it('gives a different sequence for another seed', () => {
    const a = new Rng(7);
    const b = new Rng(8);
    expect(Array.from({ length: 10 }, () => b.next())).not.toEqual(Array.from({ length: 10 }, () => a.next()));
  });

  it('draws floats in [0, 1) spread over the whole interval', () => {
    const rng = new Rng(1);
    const draws = Array.from({ length: 10_000 }, () => rng.next());
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });
});

describe('ZipfSampler', () => {
  it('favours low ranks: rank 0 is drawn far more often than rank 50', () => {
    const rng = new Rng(3);
    const zipf = new ZipfSampler(500, 1);
    const counts = new Array<number>(500).fill(0);
    for (let i = 0; i < 50_000; i++) counts[zipf.sample(rng)]++;
    expect(counts[0]).toBeGreaterThan(counts[50] * 20);
  });
});

describe('ShopWorld', () => {
  it('is reproducible: the same seed plays the same predictions and outcomes', () => {
    expect(sample(42, 300)).toEqual(sample(42, 300));
  });

  it('plays a different world for another seed', () => {
    expect(sample(43, 50).map((p) => p.payload.scores)).not.toEqual(sample(42, 50).map((p) => p.payload.scores));
  });

  it('generates predictions that the service accepts for the registered model', () => {
    const models = compileModels([
      {
        name: MODEL_NAME,
        classes: SHOP_RECOMMENDER_MODEL.classes,
        sliceKeys: SHOP_RECOMMENDER_MODEL.sliceKeys,
        featureSchema: SHOP_RECOMMENDER_MODEL.featureSchema as Record<string, FeatureSpec>,
      },
    ]);
    const errors: ErrorDetail[] = [];
    const rows = sample(42, 2000).map(({ payload }, i) =>
      validatePrediction(payload, i, { models, now: NOW, traceId: null }, errors),
    );
    expect(errors).toEqual([]);
    expect(rows.every((row) => row !== null)).toBe(true);
    const { country, device, weather } = JSON.parse(rows[0]!.featuresJson) as Record<string, string>;
    expect(JSON.parse(rows[0]!.slicesJson)).toEqual({ country, device, weather });
  });

  it('scores only the model classes, summing to 1, and predicts the argmax', () => {
    for (const { payload } of sample(5, 5000)) {
      expect(Object.keys(payload.scores).sort()).toEqual([...CLASSES].sort());
      const values = Object.values(payload.scores);
      expect(Math.abs(values.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-3);
      expect(values.every((p) => p >= 0 && p <= 1)).toBe(true);
      expect(payload.scores[payload.prediction]).toBe(Math.max(...values));
    }
  });

  it('logs exposure mostly from the model, some exploration and a few fixed placements, all with propensities in (0, 1]', () => {
    const predictions = sample(9, 5000);
    const share = (policy: string) => predictions.filter((p) => p.payload.exposure.policy === policy).length / predictions.length;
    expect(share('model')).toBeGreaterThan(0.86);
    expect(share('model')).toBeLessThan(0.94);
    expect(share('explore')).toBeGreaterThan(0.05);
    expect(share('explore')).toBeLessThan(0.11);
    expect(share('none')).toBeGreaterThan(0);
    for (const { payload } of predictions) {
      expect(payload.exposure.propensity).toBeGreaterThan(0);
      expect(payload.exposure.propensity).toBeLessThanOrEqual(1);
    }
    const explored = predictions.filter((p) => p.payload.exposure.policy === 'explore').map((p) => p.payload.exposure.propensity);
    expect(new Set(explored).size).toBeLessThanOrEqual(3);
    const modelled = predictions.filter((p) => p.payload.exposure.policy === 'model').map((p) => p.payload.exposure.propensity);
    expect(new Set(modelled).size).toBeGreaterThan(100);
  });

  it('recommends from a catalogue of 500 items with skewed popularity', () => {
    const predictions = sample(11, 5000);
    const counts = new Map<string, number>();
    for (const { payload } of predictions) counts.set(payload.itemId, (counts.get(payload.itemId) ?? 0) + 1);
    const top10 = [...counts.values()]
      .sort((a, b) => b - a)
      .slice(0, 10)
      .reduce((a, b) => a + b, 0);
    expect(counts.size).toBeGreaterThan(150);
    expect(counts.size).toBeLessThanOrEqual(500);
    expect(top10 / predictions.length).toBeGreaterThan(0.3);
  });

  it('makes the rain slice clearly less confident and less accurate than the others', () => {
    const predictions = sample(42, 5000);
    const stats = (rain: boolean) => {
      const group = predictions.filter((p) => (p.payload.features.weather === 'rain') === rain);
      return {
        n: group.length,
        accuracy: group.filter((p) => p.payload.prediction === p.truth.outcome).length / group.length,
        confidence: group.reduce((sum, p) => sum + Math.max(...Object.values(p.payload.scores)), 0) / group.length,
      };
    };
    const rain = stats(true);
    const rest = stats(false);
    expect(rain.n).toBeGreaterThan(1000);
    expect(rain.accuracy).toBeLessThan(rest.accuracy - 0.1);
    expect(rain.confidence).toBeLessThan(rest.confidence - 0.05);
  });

  it('serves v1 before the v2 release and v2 from then on', () => {
    const predictions = sample(42, 1000, NOW - DAY);
    for (const { payload, truth } of predictions) {
      expect(payload.modelVersion).toBe(Date.parse(payload.timestamp) >= NOW - DAY ? 'v2' : 'v1');
      expect(truth.modelVersion).toBe(payload.modelVersion);
    }
  });

  it('keeps a hidden outcome whose event delays fit the label rules', () => {
    const predictions = sample(21, 3000);
    const outcomes = new Set(predictions.map((p) => p.truth.outcome));
    expect(outcomes).toEqual(new Set(CLASSES));
    for (const { payload, truth } of predictions) {
      expect(truth.ts).toBe(Date.parse(payload.timestamp));
      expect(truth.itemId).toBe(payload.itemId);
      if (truth.outcome === 'ignore') {
        expect(truth.clickAfterMs).toBeNull();
        expect(truth.purchaseAfterMs).toBeNull();
      } else {
        expect(truth.clickAfterMs).toBeGreaterThan(0);
        expect(truth.clickAfterMs).toBeLessThanOrEqual(30 * 60_000);
      }
      if (truth.outcome === 'click') expect(truth.purchaseAfterMs).toBeNull();
      if (truth.outcome === 'purchase') {
        expect(truth.purchaseAfterMs).toBeGreaterThan(truth.clickAfterMs!);
        expect(truth.purchaseAfterMs).toBeLessThanOrEqual(7 * DAY);
      }
    }
  });
});

describe('BoundedMap', () => {
  it('forgets the oldest entries beyond its capacity', () => {
    const map = new BoundedMap<string, number>(3);
    for (const [i, key] of ['a', 'b', 'c', 'd', 'e'].entries()) map.set(key, i);
    expect(map.size).toBe(3);
    expect(map.get('a')).toBeUndefined();
    expect(map.get('b')).toBeUndefined();
    expect([...map]).toEqual([
      ['c', 2],
      ['d', 3],
      ['e', 4],
    ]);
  });

  it('refuses a capacity below one', () => {
    expect(() => new BoundedMap(0)).toThrow(RangeError);
  });
});
