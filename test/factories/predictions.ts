import { randomUUID } from 'node:crypto';

export const SHOP_MODEL = {
  classes: ['purchase', 'click', 'ignore'],
  sliceKeys: ['country', 'device'],
  sliceCrosses: [['country', 'device']] as [string, string][],
  featureSchema: {
    price: { type: 'number', min: 0 },
    country: { type: 'category', values: ['de', 'fr', 'us'] },
    device: { type: 'category', values: ['mobile', 'desktop'] },
    title: { type: 'text' },
  },
};

/** A valid prediction for the shop model; override any field. */
export function aPrediction(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `req-${randomUUID()}`,
    model: 'shop',
    modelVersion: 'v1',
    timestamp: new Date(Date.now() - 60_000).toISOString(),
    features: { price: 19.9, country: 'de', device: 'mobile', title: 'Blue shoes' },
    prediction: 'click',
    scores: { purchase: 0.2, click: 0.5, ignore: 0.3 },
    ...overrides,
  };
}
