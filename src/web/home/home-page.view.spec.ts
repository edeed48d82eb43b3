import { describe, expect, it } from 'vitest';
import type { Principal } from '../../auth/roles.decorator.js';
import { type HomeModelInput, homeView, startOfUtcDay } from './home-page.view.js';

const who = (role: Principal['role']): Principal => ({ tokenId: 't', name: 'n', role, via: 'session' });

const model = (overrides: Partial<HomeModelInput> = {}): HomeModelInput => ({
  name: 'shop',
  classes: ['buy', 'skip'],
  predictionsToday: 12,
  predictionsTotal: 200,
  labeled: 50,
  accuracy: 0.8,
  estimated: null,
  firingAlerts: 2,
  openBatches: 1,
  latestExport: null,
  links: [
    { label: 'Slices', href: '/models/shop/slices', current: false },
    { label: 'Labeling', href: '/labeling/shop', current: false },
  ],
  ...overrides,
});

describe('homeView', () => {
  it.each([
    [{ labeled: 50, predictionsTotal: 200 }, 0.25],
    [{ labeled: 0, predictionsTotal: 0 }, null],
    // Rollups may briefly count a label whose prediction the count has not seen: never above 100%.
    [{ labeled: 3, predictionsTotal: 2 }, 1],
  ])('labeled share of %o is %s', (counts, share) => {
    expect(homeView(who('labeler'), [model(counts)]).models[0].labeledShare).toBe(share);
  });

  it.each([
    [null, null],
    [{ accuracy: 0.71 }, 0.71],
    [{ accuracy: null }, null],
  ])('shows the corrected estimate %o as %s', (estimated, shown) => {
    expect(homeView(who('labeler'), [model({ estimated })]).models[0].estimatedAccuracy).toBe(shown);
  });

  it('links alerts to the slices page and batches to the labeling queue when the caller may open them', () => {
    const [row] = homeView(who('labeler'), [model()]).models;
    expect([row.alertsHref, row.labelingHref]).toEqual(['/models/shop/slices', '/labeling/shop']);
    const [bare] = homeView(who('labeler'), [model({ links: [] })]).models;
    expect([bare.alertsHref, bare.labelingHref]).toEqual([null, null]);
  });

  it('sorts models by name and shows ingest tokens none', () => {
    const models = [model({ name: 'b' }), model({ name: 'a' })];
    expect(homeView(who('admin'), models).models.map((m) => m.name)).toEqual(['a', 'b']);
    expect(homeView(who('ingest'), models)).toMatchObject({ models: [], canRead: false, canLabel: false });
  });

  it('counts the day from midnight UTC', () => {
    expect(startOfUtcDay(Date.parse('2025-03-04T23:59:59.999Z'))).toBe(Date.parse('2025-03-04T00:00:00Z'));
    expect(startOfUtcDay(Date.parse('2025-03-05T00:00:00Z'))).toBe(Date.parse('2025-03-05T00:00:00Z'));
  });
});
