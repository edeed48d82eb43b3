import { describe, expect, it } from 'vitest';
import type { ErrorDetail } from '../common/api-error.js';
import { validateEvent } from '../events/event-rows.js';
import { compileRules, evaluateEvent } from '../events/rules.js';
import { explorationShare, missingPropensities } from '../feedback/label-checks.js';
import { tally } from '../feedback/tally.js';
import { DEFAULT_SETTINGS, type FeatureSpec } from '../models/model-settings.js';
import { compileModels, validatePrediction } from '../predictions/prediction-rows.js';
import {
  arrangeHistory,
  type BehaviourOptions,
  type BehaviourPlan,
  CLICK_WINDOW_MS,
  humanLabel,
  IMPLICIT_AFTER_MS,
  planBehaviour,
} from './behaviour.js';
import { DueQueue } from './due-queue.js';
import { SeededRandom } from '../common/random.js';
import { ZipfSampler } from './random.js';
import { CLASSES, MODEL_NAME, type SimulatedPrediction, SHOP_RECOMMENDER_MODEL, ShopWorld } from './shop-world.js';
import { sampleOf } from './simulator.js';
import { BoundedMap } from './truth-store.js';

const NOW = Date.UTC(2026, 0, 15, 12);
const DAY = 86_400_000;

function sample(seed: number, n: number, v2Since = NOW - DAY): SimulatedPrediction[] {
  const world = new ShopWorld(seed, { v2Since });
  return Array.from({ length: n }, (_, i) => world.generate(`p-${i}`, NOW - 2 * DAY + Math.round((i * 2 * DAY) / n)));
}

describe('SeededRandom', () => {
  it('repeats the same sequence for the same seed', () => {
    const a = new SeededRandom(7);
    const b = new SeededRandom(7);
    const first = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(first);
  });

  it('gives a different sequence for another seed', () => {
    const a = new SeededRandom(7);
    const b = new SeededRandom(8);
    expect(Array.from({ length: 10 }, () => b.next())).not.toEqual(Array.from({ length: 10 }, () => a.next()));
  });

  it('draws floats in [0, 1) spread over the whole interval', () => {
    const rng = new SeededRandom(1);
    const draws = Array.from({ length: 10_000 }, () => rng.next());
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });
});

describe('ZipfSampler', () => {
  it('favours low ranks: rank 0 is drawn far more often than rank 50', () => {
    const rng = new SeededRandom(3);
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
    expect.hasAssertions();
    for (const { payload } of sample(5, 5000)) {
      expect(Object.keys(payload.scores).sort()).toEqual([...CLASSES].sort());
      const values = Object.values(payload.scores);
      expect(Math.abs(values.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-3);
      expect(values.every((p) => p >= 0 && p <= 1)).toBe(true);
      expect(payload.scores[payload.prediction]).toBe(Math.max(...values));
    }
  });

  it('logs exposure mostly from the model, a little exploration and a few fixed placements, all with propensities in (0, 1]', () => {
    const predictions = sample(9, 5000);
    const share = (policy: string) => predictions.filter((p) => p.payload.exposure.policy === policy).length / predictions.length;
    expect(share('model')).toBeGreaterThan(0.92);
    expect(share('model')).toBeLessThan(0.98);
    expect(share('explore')).toBeGreaterThan(0.015);
    expect(share('explore')).toBeLessThan(0.045);
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

  it('explores too little for the feedback report, which warns and points to IPS weights that the logged propensities allow', () => {
    // Labels as the demo's users produce them: clicks and purchases direct, everything else implicit "ignore".
    const rows = sample(9, 5000).map(({ payload, truth }) => ({
      policy: payload.exposure.policy,
      source: truth.outcome === 'ignore' ? 'implicit' : 'direct',
      agrees: payload.prediction === truth.outcome,
      missingPropensity: false,
      n: 1,
    }));
    const exploration = explorationShare(MODEL_NAME, tally(rows), DEFAULT_SETTINGS.feedback);
    expect(exploration.severity).toBe('warn');
    expect(exploration.action).toMatch(/ips_weights/);
    expect(missingPropensities(MODEL_NAME, tally(rows), DEFAULT_SETTINGS.feedback).severity).toBe('ok');
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
    expect.hasAssertions();
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

function plans(predictions: SimulatedPrediction[], seed = 42, options?: BehaviourOptions): BehaviourPlan[] {
  return predictions.map(({ payload, truth }) => planBehaviour(payload.id, truth, seed, options));
}

describe('planBehaviour (the users behind the predictions)', () => {
  const predictions = sample(21, 5000);
  const planned = plans(predictions);
  const events = planned.flatMap((p) => p.events);
  const rules = compileRules(SHOP_RECOMMENDER_MODEL.labelRules, SHOP_RECOMMENDER_MODEL.implicitLabel);

  it('clicks and buys at the delays of the hidden truth, inside the rule windows', () => {
    expect.hasAssertions();
    predictions.forEach(({ payload, truth }, i) => {
      const onTime = planned[i].events.filter((e) => !e.late);
      const expected = [
        ...(truth.clickAfterMs !== null ? [{ type: 'click', ts: truth.ts + truth.clickAfterMs }] : []),
        ...(truth.purchaseAfterMs !== null ? [{ type: 'purchase', ts: truth.ts + truth.purchaseAfterMs }] : []),
      ];
      expect(onTime.map((e) => ({ type: e.payload.type, ts: e.ts }))).toEqual(expected);
      for (const e of onTime) {
        expect(e.payload.predictionId).toBe(payload.id);
        expect(Date.parse(e.payload.timestamp)).toBe(e.ts);
        const outcome = evaluateEvent(rules, { type: e.payload.type, ts: e.ts, value: null }, truth.ts);
        expect(outcome).toMatchObject({ kind: 'match', rule: { label: e.payload.type } });
      }
    });
  });

  it('makes events that the service accepts, with ids unique per model', () => {
    const errors: ErrorDetail[] = [];
    const now = Math.max(...events.map((e) => e.ts));
    const rows = events.map((e, i) => validateEvent(e.payload, i, { models: new Set([MODEL_NAME]), now }, errors));
    expect(errors).toEqual([]);
    expect(rows.every((row) => row !== null)).toBe(true);
    expect(new Set(events.map((e) => e.payload.id)).size).toBe(events.length);
  });

  it('sends a few percent of the events late: return clicks after the window of users who ignored the recommendation', () => {
    const late = events.filter((e) => e.late);
    expect(late.length / events.length).toBeGreaterThan(0.02);
    expect(late.length / events.length).toBeLessThan(0.06);
    predictions.forEach(({ truth }, i) => {
      for (const e of planned[i].events.filter((x) => x.late)) {
        expect(truth.outcome).toBe('ignore');
        expect(e.payload.type).toBe('click');
        expect(e.ts - truth.ts).toBeGreaterThan(CLICK_WINDOW_MS);
        expect(e.ts - truth.ts).toBeLessThanOrEqual(CLICK_WINDOW_MS + 150 * 60_000);
        expect(evaluateEvent(rules, { type: 'click', ts: e.ts, value: null }, truth.ts)).toEqual({ kind: 'late' });
      }
    });
  });

  it('delays a few percent of the prediction logs until after their first event, while the implicit window is open', () => {
    const withEvents = planned.filter((p) => p.events.some((e) => !e.late));
    const slow = planned.filter((p) => p.delayedUntil !== null);
    expect(slow.length / withEvents.length).toBeGreaterThan(0.025);
    expect(slow.length / withEvents.length).toBeLessThan(0.06);
    predictions.forEach(({ truth }, i) => {
      const { delayedUntil, events: own } = planned[i];
      if (delayedUntil === null) return;
      expect(delayedUntil).toBeGreaterThan(own[0].ts);
      expect(delayedUntil).toBeLessThan(truth.ts + IMPLICIT_AFTER_MS);
    });
  });

  it('plays the same users for the same seed, whatever the order, and other users for another seed', () => {
    const reversed = [...predictions].reverse();
    expect(plans(reversed).reverse()).toEqual(planned);
    expect(plans(sample(21, 5000))).toEqual(planned);
    expect(plans(predictions, 43)).not.toEqual(planned);
  });

  it('follows the shares it is given', () => {
    const none = plans(predictions, 42, { earlyShare: 0, lateShare: 0 });
    expect(none.every((p) => p.delayedUntil === null && p.events.every((e) => !e.late))).toBe(true);
    const all = plans(predictions, 42, { earlyShare: 1, lateShare: 1 });
    expect(all).toHaveLength(5000);
    predictions.forEach(({ truth }, i) => {
      if (truth.outcome === 'ignore') expect(all[i].events.map((e) => e.late)).toEqual([true]);
      else expect(all[i].delayedUntil).not.toBeNull();
    });
  });
});

describe('arrangeHistory', () => {
  const predictions = sample(5, 3000);
  const planned = plans(predictions);
  const items = predictions.map(({ truth }, i) => ({ plan: planned[i], ts: truth.ts }));
  const { before, after, later } = arrangeHistory(items, NOW);

  it('sends each past event once, and keeps the ones not due yet for later', () => {
    const all = planned.flatMap((p) => p.events);
    expect([...before, ...after, ...later].map((e) => e.payload.id).sort()).toEqual(all.map((e) => e.payload.id).sort());
    expect(later.every((e) => e.ts > NOW)).toBe(true);
    expect([...before, ...after].every((e) => e.ts <= NOW)).toBe(true);
    expect(later.length).toBeGreaterThan(0);
  });

  it('sends the event that decides a closed window before its prediction, and the events of slow logs too', () => {
    expect.hasAssertions();
    const first = new Set(before.map((e) => e.payload.id));
    items.forEach(({ plan, ts }) => {
      const deciding = plan.events[0];
      if (deciding && !deciding.late && deciding.ts <= NOW && ts + IMPLICIT_AFTER_MS <= NOW)
        expect(first.has(deciding.payload.id)).toBe(true);
      if (plan.delayedUntil !== null)
        for (const e of plan.events.filter((x) => x.ts <= NOW)) expect(first.has(e.payload.id)).toBe(true);
    });
  });

  it('sends purchases after a click, late clicks and the events of open windows after the predictions', () => {
    expect(after.some((e) => e.payload.type === 'purchase')).toBe(true);
    expect(after.some((e) => e.late)).toBe(true);
    expect(before.some((e) => e.late)).toBe(false);
    expect(after.length).toBeGreaterThan(0.15 * (before.length + after.length));
  });
});

describe('humanLabel', () => {
  it('mostly agrees with the hidden outcome and otherwise picks another class', () => {
    const rng = new SeededRandom(4);
    const answers = Array.from({ length: 10_000 }, (_, i) => {
      const truth = CLASSES[i % 3];
      return { truth, label: humanLabel(truth, rng, 0.85) };
    });
    const agree = answers.filter((a) => a.label === a.truth).length / answers.length;
    expect(agree).toBeGreaterThan(0.83);
    expect(agree).toBeLessThan(0.87);
    expect(new Set(answers.filter((a) => a.label !== a.truth).map((a) => a.label))).toEqual(new Set(CLASSES));
  });
});

describe('sampleOf', () => {
  it('draws distinct items, the same ones for the same seed, and all of them when asked for more', () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const a = sampleOf(items, 30, new SeededRandom(1));
    expect(new Set(a).size).toBe(30);
    expect(sampleOf(items, 30, new SeededRandom(1))).toEqual(a);
    expect(sampleOf(items, 500, new SeededRandom(1)).sort((x, y) => x - y)).toEqual(items);
  });
});

describe('DueQueue', () => {
  it('hands out what is due, earliest first and in insertion order for equal times', () => {
    const queue = new DueQueue<string>(10);
    for (const [at, item] of [
      [30, 'c'],
      [10, 'a'],
      [20, 'b1'],
      [20, 'b2'],
      [40, 'd'],
    ] as const)
      queue.push(at, item);
    expect(queue.peekDueAt()).toBe(10);
    expect(queue.takeDue(5)).toEqual([]);
    expect(queue.takeDue(30, 3)).toEqual(['a', 'b1', 'b2']);
    expect(queue.takeDue(30)).toEqual(['c']);
    expect(queue.size).toBe(1);
    expect(queue.takeDue(Infinity)).toEqual(['d']);
    expect(queue.peekDueAt()).toBeNull();
  });

  it('stays in order over many random pushes', () => {
    const rng = new SeededRandom(9);
    const queue = new DueQueue<number>(5000);
    const times = Array.from({ length: 5000 }, () => rng.int(1000));
    for (const t of times) queue.push(t, t);
    expect(queue.takeDue(Infinity)).toEqual([...times].sort((a, b) => a - b));
  });

  it('refuses items beyond its capacity', () => {
    const queue = new DueQueue<number>(2);
    expect(queue.push(1, 1)).toBe(true);
    expect(queue.fits(1)).toBe(true);
    expect(queue.push(2, 2)).toBe(true);
    expect(queue.fits(1)).toBe(false);
    expect(queue.push(0, 0)).toBe(false);
    expect(queue.takeDue(10)).toEqual([1, 2]);
    expect(() => new DueQueue(0)).toThrow(RangeError);
  });
});

describe('the price feed that switches to cents', () => {
  it('multiplies one country’s logged prices by 100 from the switch on, and nothing else', () => {
    const since = NOW - DAY;
    const world = new ShopWorld(3, { v2Since: NOW - DAY, priceInCents: { country: 'br', since } });
    const plain = new ShopWorld(3, { v2Since: NOW - DAY });
    for (let i = 0; i < 2000; i++) {
      const ts = NOW - 2 * DAY + i * 86_400;
      const a = world.generate(`p-${i}`, ts).payload;
      const b = plain.generate(`p-${i}`, ts).payload;
      const expected = a.features.country === 'br' && ts >= since ? Math.round(b.features.price * 100) : b.features.price;
      expect(a.features.price).toBe(expected);
      expect(a.scores).toEqual(b.scores);
    }
  });
});
