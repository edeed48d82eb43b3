/** The benchmark's model and its deterministic, prediction-shaped rows. */

import { mulberry32 } from '../../src/common/random.js';

export const MODEL = 'bench';

export const CLASSES = ['approve', 'review', 'reject', 'escalate'];

const COUNTRIES = ['de', 'fr', 'us', 'gb', 'es', 'it', 'nl', 'pl'];
const DEVICES = ['mobile', 'desktop', 'tablet'];
const CHANNELS = ['web', 'app', 'partner', 'email'];
const WORDS = [
  'blue',
  'running',
  'shoes',
  'size',
  'gift',
  'express',
  'refund',
  'bundle',
  'leather',
  'wallet',
  'promo',
  'winter',
  'jacket',
  'repeat',
];

/** PUT /api/v1/models/bench: 8 features (3 of them slice keys, one free text), 4 classes. */
export const MODEL_DEFINITION = {
  classes: CLASSES,
  sliceKeys: ['country', 'device', 'channel'],
  sliceCrosses: [['country', 'device']],
  featureSchema: {
    amount: { type: 'number', min: 0 },
    country: { type: 'category', values: COUNTRIES, required: true },
    device: { type: 'category', values: DEVICES, required: true },
    channel: { type: 'category', values: CHANNELS },
    accountAgeDays: { type: 'number', min: 0 },
    items: { type: 'number', min: 1, max: 100 },
    returning: { type: 'boolean' },
    note: { type: 'text', maxLength: 200 },
  },
};

export interface BenchPrediction {
  id: string;
  model: string;
  modelVersion: string;
  timestamp: string;
  features: Record<string, string | number | boolean>;
  prediction: string;
  scores: Record<string, number>;
  itemId: string;
  exposure: { policy: 'model' | 'explore'; propensity: number; shown: boolean };
}

const pick = <T>(r: () => number, values: readonly T[]): T => values[Math.floor(r() * values.length)];

/**
 * The i-th prediction of a run. Timestamps are spaced 100 ms apart from `startMs`, so a million
 * rows cover about 28 hours.
 */
export function predictionAt(i: number, startMs: number, idPrefix: string): BenchPrediction {
  const r = mulberry32(i * 2654435761 + 12345);
  const weights = CLASSES.map(() => 0.05 + r() ** 2);
  const total = weights.reduce((a, b) => a + b, 0);
  const scores: Record<string, number> = {};
  let assigned = 0;
  let best = 0;
  for (let c = 0; c < CLASSES.length; c++) {
    const p = c < CLASSES.length - 1 ? Math.round((weights[c] / total) * 1e4) / 1e4 : Math.round((1 - assigned) * 1e4) / 1e4;
    scores[CLASSES[c]] = p;
    assigned += p;
    if (p > scores[CLASSES[best]]) best = c;
  }
  const explore = r() < 0.05;
  const words = 3 + Math.floor(r() * 6);
  let note = pick(r, WORDS);
  for (let w = 1; w < words; w++) note += ' ' + pick(r, WORDS);
  return {
    id: `${idPrefix}${i}`,
    model: MODEL,
    modelVersion: 'v7',
    timestamp: new Date(startMs + i * 100).toISOString(),
    features: {
      amount: Math.round(r() * 50_000) / 100,
      country: pick(r, COUNTRIES),
      device: pick(r, DEVICES),
      channel: pick(r, CHANNELS),
      accountAgeDays: Math.floor(r() * 3000),
      items: 1 + Math.floor(r() * 12),
      returning: r() < 0.6,
      note,
    },
    prediction: CLASSES[best],
    scores,
    itemId: `item-${Math.floor(r() * 200_000)}`,
    exposure: explore
      ? { policy: 'explore', propensity: 0.05, shown: true }
      : { policy: 'model', propensity: 0.95, shown: r() < 0.9 },
  };
}

/** Rows [from, to) of the run. */
export function predictionsIn(from: number, to: number, startMs: number, idPrefix: string): BenchPrediction[] {
  const out: BenchPrediction[] = new Array<BenchPrediction>(to - from);
  for (let i = from; i < to; i++) out[i - from] = predictionAt(i, startMs, idPrefix);
  return out;
}
