import { describe, expect, it } from 'vitest';
import { type AlertContext, describeAlert, describeResolution, recommend, sliceFilter } from './alert-message.js';
import type { AlertThresholds } from './evaluation.js';

const thresholds: AlertThresholds = { minAccuracy: null, maxDrop: 0.1, minSupport: 30 };
const from = Date.parse('2026-11-19T12:00:00Z');

const rain: AlertContext = {
  model: 'shop-recommender',
  finding: {
    key: 'weather',
    value: 'rain',
    reason: 'below_rest',
    current: { n: 3000, correct: 1680 },
    baseline: null,
    drop: null,
  },
  overall: { n: 10000, correct: 7600 },
  sources: { direct: 1800, implicit: 1140, manual: 60, audit: 0 },
  confusion: { ignore: { ignore: 900, click: 700 }, click: { click: 600, ignore: 300 }, purchase: { purchase: 180, click: 320 } },
  window: { length: '7d', from, baselineFrom: from - 7 * 86_400_000 },
  thresholds,
};

describe('describeAlert', () => {
  it('says which slice, how bad with its interval against overall and rest, the labels, the confusion and what to do', () => {
    const { message } = describeAlert(rain);
    expect(message).toBe(
      'weather=rain is at 56.0% accuracy (95% CI 54.2–57.8%) against 76.0% for the whole model (84.6% for the rest) ' +
        'over the last 7d, surely below the rest of the model. ' +
        'Behind it: 3,000 labels (60% direct, 38% implicit, 2% manual). ' +
        'Judged on label accuracy. ' +
        'Most confused: labeled ignore but predicted click (700 times). ' +
        'Next step: queue 100 examples of weather=rain for labeling.',
    );
  });

  it('says when the label accuracy it judged comes from labels the audit shows to be biased', () => {
    const { message, details } = describeAlert({
      ...rain,
      estimate: { estimated: { accuracy: 0.31, ci: [0.25, 0.37] }, biased: true },
    });
    expect(message).toContain(
      "Judged on label accuracy, but this slice's labels are biased: corrected with audit labels it is at 31.0% (95% CI 25.0–37.0%).",
    );
    expect(details).toMatchObject({ judged: 'label_accuracy', biased: true, estimated: { accuracy: 0.31 } });
    expect(
      describeAlert({ ...rain, estimate: { estimated: { accuracy: 0.55, ci: [0.5, 0.6] }, biased: false } }).message,
    ).toContain('Judged on label accuracy. Most confused');
  });

  it('keeps the numbers behind the message', () => {
    const { details } = describeAlert(rain);
    expect(details).toMatchObject({
      reason: 'below_rest',
      window: { from: '2026-11-19T12:00:00.000Z', length: '7d' },
      slice: { n: 3000, correct: 1680, accuracy: 0.56 },
      overall: { n: 10000, accuracy: 0.76 },
      rest: { n: 7000, correct: 5920 },
      confused: { actual: 'ignore', predicted: 'click', n: 700 },
      baseline: null,
    });
    expect(details.slice.ci![0]).toBeCloseTo(0.5422, 4);
  });

  it('names the minimum accuracy it is below', () => {
    const { message } = describeAlert({
      ...rain,
      finding: { ...rain.finding, reason: 'below_min_accuracy' },
      thresholds: { ...thresholds, minAccuracy: 0.7 },
    });
    expect(message).toContain('surely below the minimum of 70.0%.');
  });

  it('gives the fall and its interval for a drop against the baseline window', () => {
    const { message, details } = describeAlert({
      ...rain,
      finding: {
        ...rain.finding,
        reason: 'drop',
        baseline: { n: 2000, correct: 1560 },
        drop: { estimate: 0.22, ci: [0.1932, 0.2461] },
      },
    });
    expect(message).toContain('down from 78.0% in the 7d before: a fall of 22.0 points (95% CI 19.3–24.6).');
    expect(details.baseline).toMatchObject({ n: 2000, accuracy: 0.78, from: '2026-11-12T12:00:00.000Z' });
  });

  it('says so when the slice made no mistakes worth pairing', () => {
    expect(describeAlert({ ...rain, confusion: { click: { click: 3 } } }).message).toContain(
      'No class pair stands out among its mistakes.',
    );
  });
});

describe('recommend', () => {
  it('is a labeling batch of 100 least-confident examples of the slice, balanced over classes', () => {
    expect(recommend('shop-recommender', 'weather', 'rain')).toEqual({
      text: 'queue 100 examples of weather=rain for labeling',
      action: {
        method: 'POST',
        path: '/api/v1/models/shop-recommender/labeling-batches',
        body: { size: 100, strategy: 'least_confidence', quotas: 'balanced', filters: { slices: { weather: 'rain' } } },
      },
      page: '/models/shop-recommender/slices',
    });
  });
});

describe('sliceFilter', () => {
  it.each([
    ['weather', 'rain', { weather: 'rain' }],
    ['country×device', 'de×mobile', { country: 'de', device: 'mobile' }],
    ['country×device', 'a×b×c', { 'country×device': 'a×b×c' }],
  ])('filters %s=%s as %o', (key, value, expected) => {
    expect(sliceFilter(key, value)).toEqual(expected);
  });
});

describe('describeResolution', () => {
  it('gives the numbers that cleared the alert', () => {
    expect(describeResolution('weather', 'rain', { n: 400, correct: 320 }, thresholds, '7d')).toBe(
      'weather=rain is back within the thresholds: 80.0% accuracy (95% CI 75.8–83.6%) over the last 7d.',
    );
  });

  it('says when too few labels are left to judge', () => {
    expect(describeResolution('weather', 'rain', null, thresholds, '7d')).toBe(
      'weather=rain has 0 labels over the last 7d, fewer than the 30 needed to judge it.',
    );
  });
});
