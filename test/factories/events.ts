import { randomUUID } from 'node:crypto';

/** A behaviour event for the shop model; override any field. */
export function anEvent(predictionId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `ev-${randomUUID()}`,
    model: 'shop',
    predictionId,
    type: 'click',
    timestamp: new Date().toISOString(),
    ...overrides,
  };
}

export const SHOP_RULES = {
  labelRules: [
    { event: 'purchase', label: 'purchase', within: '7d', priority: 20 },
    { event: 'click', label: 'click', within: '30m', priority: 10 },
    { event: 'dwell', label: 'click', within: '30m', priority: 5, when: { op: '>', value: 30 } },
  ],
  implicitLabel: { label: 'ignore', after: '30m' },
};
