import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../src/app.factory.js';
import { SeededRandom } from '../../src/common/random.js';
import { DriftEvaluation } from '../../src/monitoring/drift-evaluation.service.js';
import { registerModel } from '../factories/models.js';
import { aPrediction } from '../factories/predictions.js';
import { eventually } from '../support/eventually.js';
import { signInThroughForm, useBrowserApp } from '../support/browser.js';

const ARTIFACTS = join(ROOT_DIR, 'test-artifacts');
const HOUR = 3_600_000;
const MODEL = {
  classes: ['purchase', 'click', 'ignore'],
  sliceKeys: ['country', 'device'],
  featureSchema: {
    price: { type: 'number', min: 0 },
    country: { type: 'category', values: ['de', 'fr', 'us'] },
    device: { type: 'category', values: ['mobile', 'desktop'] },
    title: { type: 'text' },
  },
};
const WORDS = ['red', 'shoe', 'blue', 'book', 'lamp', 'desk', 'garden', 'kettle'];

describe('the monitoring page', () => {
  const app = useBrowserApp({ width: 1360, height: 900 });

  beforeAll(async () => {
    const t = app.t;
    await registerModel(t.http, t.adminToken, 'shop', MODEL);
    const ingest = `Bearer ${await t.tokenFor('ingest')}`;
    const rng = new SeededRandom(11);
    const now = Date.now();
    const batch = (seedAt: number, n: number, version: string, drifted: boolean) =>
      Array.from({ length: n }, (_, i) => {
        const country = rng.weighted(['de', 'fr', 'us'], [0.4, 0.3, 0.3]);
        const predicted = rng.weighted(['purchase', 'click', 'ignore'], drifted ? [0.2, 0.5, 0.3] : [0.2, 0.4, 0.4]);
        return aPrediction({
          id: `${version}-${seedAt}-${i}`,
          model: 'shop',
          modelVersion: version,
          timestamp: new Date(seedAt + i * 1000).toISOString(),
          features: {
            // From the switch on, the French price feed sends cents.
            price: (Math.round(Math.max(1, rng.normal(40, 12)) * 100) / 100) * (drifted && country === 'fr' ? 100 : 1),
            country,
            device: rng.weighted(['mobile', 'desktop'], [0.6, 0.4]),
            title: `${rng.pick(WORDS)} ${rng.pick(WORDS)}`,
          },
          prediction: predicted,
          scores: { purchase: 0.2, click: 0.2, ignore: 0.2, [predicted]: 0.6 },
        });
      });
    const send = async (rows: Record<string, unknown>[]) => {
      for (let i = 0; i < rows.length; i += 1000) {
        const res = await t
          .http()
          .post('/api/v1/predictions')
          .set('Authorization', ingest)
          .send({ predictions: rows.slice(i, i + 1000) });
        expect(res.status, JSON.stringify(res.body).slice(0, 400)).toBe(201);
      }
    };
    await send(batch(now - 40 * HOUR, 3000, 'v1', false));
    await send(batch(now - 3 * HOUR, 1500, 'v1', true));
    await send(batch(now - 2 * HOUR, 1500, 'v2', true));
    await eventually(async () => expect(await t.tables.count('monitoring_pending')).toBe(0), 30_000);
    const res = await t
      .http()
      .post('/api/v1/models/shop/baselines')
      .set('Authorization', `Bearer ${t.adminToken}`)
      .send({ name: 'launch', from: new Date(now - 41 * HOUR).toISOString(), to: new Date(now - 36 * HOUR).toISOString() });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await t.app.get(DriftEvaluation).evaluate('shop');
  }, 120_000);

  it('shows the drifted feature and slice first, histograms, the prediction mix per version and estimates', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const page = await app.browser.newPage();
    await signInThroughForm(page, app.baseUrl, await app.t.tokenFor('labeler'), '/models/shop/monitoring');
    const first = page.getByTestId('drift-table').locator('tbody tr').first();
    expect(await first.locator('td').nth(0).textContent()).toContain('price');
    expect(await first.locator('td').nth(1).textContent()).toBe('country = fr');
    expect(await first.textContent()).toContain('unit change');
    expect(await page.getByTestId('histogram').count()).toBeGreaterThan(3);
    expect(await page.locator('[data-testid="histogram"] rect.bar-current').count()).toBeGreaterThan(10);
    const mix = await page.getByTestId('prediction-mix').textContent();
    expect(mix).toContain('v1');
    expect(mix).toContain('v2');
    expect(await page.getByTestId('drift-alerts').textContent()).toContain('price · country = fr');
    expect(await page.getByTestId('estimates').textContent()).toContain('whole model');
    await page.screenshot({ path: join(ARTIFACTS, 'monitoring.png'), fullPage: true });
    await page.close();
  });
});
