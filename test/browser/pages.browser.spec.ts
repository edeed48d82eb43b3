import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../src/app.factory.js';
import { anEvent } from '../factories/events.js';
import { registerModel } from '../factories/models.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { signInThroughForm, useBrowserApp } from '../support/browser.js';
import { eventually } from '../support/eventually.js';

const ARTIFACTS = join(ROOT_DIR, 'test-artifacts');
const MIN = 60_000;
const COUNTRIES = ['de', 'fr', 'us'];

describe('home, explorer and prediction pages in a browser', () => {
  const app = useBrowserApp({ width: 1400, height: 1000 });
  let labeler: string;
  let timestamps: number[] = [];

  beforeAll(async () => {
    const { t } = app;
    const ingest = `Bearer ${await t.tokenFor('ingest')}`;
    labeler = await t.tokenFor('labeler', 'Ann Labeler');
    await registerModel(t.http, t.adminToken, 'shop', {
      ...SHOP_MODEL,
      labelRules: [{ event: 'purchase', label: 'purchase', within: '7d', priority: 20 }],
    });
    await registerModel(t.http, t.adminToken, 'search', { ...SHOP_MODEL, classes: ['relevant', 'irrelevant'] });
    const predictions = Array.from({ length: 80 }, (_, i) =>
      aPrediction({
        id: `order-${String(i).padStart(3, '0')}`,
        timestamp: new Date(Date.now() - (i + 1) * MIN).toISOString(),
        features: { price: 5 + i, country: COUNTRIES[i % 3], device: i % 2 ? 'mobile' : 'desktop', title: 'Blue shoes' },
        prediction: i % 3 === 0 ? 'purchase' : 'click',
        scores: i % 3 === 0 ? { purchase: 0.55, click: 0.35, ignore: 0.1 } : { purchase: 0.3, click: 0.6, ignore: 0.1 },
        exposure: { policy: i % 10 === 0 ? 'explore' : 'model', propensity: i % 10 === 0 ? 0.1 : 0.9 },
      }),
    );
    expect((await t.http().post('/api/v1/predictions').set('Authorization', ingest).send({ predictions })).status).toBe(201);
    timestamps = predictions.map((p) => Date.parse(p.timestamp as string));
    const events = predictions
      .filter((_, i) => i % 4 === 0)
      .map((p) => anEvent(p.id as string, { type: 'purchase', timestamp: new Date().toISOString() }));
    expect((await t.http().post('/api/v1/events').set('Authorization', ingest).send({ events })).status).toBe(202);
    await eventually(async () => {
      const res = await t.http().get('/api/v1/models/shop/slices').set('Authorization', `Bearer ${labeler}`);
      expect((res.body as { overall: { n: number } }).overall.n).toBe(20);
    }, 30_000);
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 60_000);

  it('goes from the home page to a model, finds a prediction by id and follows it from log to label', async () => {
    const page = await app.browser.newPage();
    await signInThroughForm(page, app.baseUrl, labeler, '/');
    const shop = page.locator('tr[data-model="shop"]');
    // "Today" is the UTC day: shortly after midnight some of the last 80 minutes were yesterday.
    const dayStart = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    const today = timestamps.filter((ts) => ts >= dayStart).length;
    await expect(shop.locator('[data-cell="today"]').textContent()).resolves.toMatch(new RegExp(`^\\s*${today}\\s*$`));
    await expect(shop.locator('[data-cell="labeled"]').textContent()).resolves.toContain('25.0%');
    await expect(page.locator('tr[data-model="search"]').count()).resolves.toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'home.png'), fullPage: true });

    await shop.getByRole('link', { name: 'Predictions' }).click();
    await page.waitForURL(`${app.baseUrl}/models/shop/predictions`);
    await expect(page.locator('[data-testid="predictions"] tbody tr').count()).resolves.toBe(50);
    await expect(
      page.getByTestId('model-nav').getByRole('link', { name: 'Predictions' }).getAttribute('aria-current'),
    ).resolves.toBe('page');

    await page.getByLabel('Effective label').selectOption('purchase');
    await page.getByLabel('label ≠ prediction').check();
    await Promise.all([page.waitForURL(/disagree=on/), page.getByRole('button', { name: 'Filter' }).click()]);
    // Purchases on every fourth prediction; the model said purchase on every third, so on 7 of those 20 it was right and 13 disagree.
    await expect(page.locator('[data-testid="predictions"] tbody tr').count()).resolves.toBe(13);
    await page.screenshot({ path: join(ARTIFACTS, 'explorer.png'), fullPage: true });

    await page.getByPlaceholder('find by id').fill('order-004');
    await Promise.all([
      page.waitForURL(`${app.baseUrl}/models/shop/predictions/order-004`),
      page.getByRole('button', { name: 'Find' }).click(),
    ]);
    await expect(page.getByTestId('prediction-id').textContent()).resolves.toBe('order-004');
    const kinds = await page
      .locator('[data-testid="timeline"] li')
      .evaluateAll((items) => items.map((li) => li.getAttribute('data-kind')));
    expect(kinds).toEqual(['logged', 'event', 'label', 'effective']);
    await expect(page.getByTestId('effective-label').textContent()).resolves.toContain('purchase');
    await page.screenshot({ path: join(ARTIFACTS, 'prediction.png'), fullPage: true });

    await page.getByTestId('model-nav').getByRole('link', { name: 'Settings' }).click();
    await page.waitForURL(`${app.baseUrl}/models/shop/settings`);
    await expect(page.locator('[data-section="labelRules"] pre').textContent()).resolves.toContain('purchase');
    await page.close();
  });
});
