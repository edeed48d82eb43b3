import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../src/app.factory.js';
import { registerModel } from '../factories/models.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { signInThroughForm, useBrowserApp } from '../support/browser.js';

const ARTIFACTS = join(ROOT_DIR, 'test-artifacts');

describe('the exports page in a browser', () => {
  const app = useBrowserApp({ width: 1280, height: 900 });

  beforeAll(async () => {
    await registerModel(app.t.http, app.t.adminToken, 'shop', SHOP_MODEL);
    const ingest = `Bearer ${await app.t.tokenFor('ingest')}`;
    const labeler = `Bearer ${await app.t.tokenFor('labeler')}`;
    // Model-chosen exposures only: the report has findings to acknowledge.
    const predictions = Array.from({ length: 40 }, (_, i) =>
      aPrediction({
        id: `b-${i}`,
        prediction: ['purchase', 'click', 'ignore'][i % 3],
        exposure: { policy: 'model', propensity: 0.4 + (i % 5) / 10 },
      }),
    );
    expect((await app.t.http().post('/api/v1/predictions').set('Authorization', ingest).send({ predictions })).status).toBe(201);
    for (let i = 0; i < 40; i++) {
      const res = await app.t
        .http()
        .post('/api/v1/labels')
        .set('Authorization', labeler)
        .send({ model: 'shop', predictionId: `b-${i}`, label: ['purchase', 'click', 'ignore'][(i * 7) % 3] });
      expect(res.status).toBeLessThan(300);
    }
  }, 60_000);

  it('refuses without the acknowledgement, then exports with it and offers the download', async () => {
    const page = await app.browser.newPage();
    await signInThroughForm(page, app.baseUrl, app.t.adminToken, '/models/shop/exports');
    expect(await page.getByTestId('check').count()).toBeGreaterThan(0);

    await page.getByLabel('Mitigation').selectOption('ips_weights');
    await page.getByRole('button', { name: 'Export' }).click();
    await page.getByTestId('export-refused').waitFor();
    expect(await page.getByLabel('Mitigation').inputValue()).toBe('ips_weights');

    for (const box of await page.locator('input[name^="acknowledge"]').all()) await box.check();
    await Promise.all([page.waitForURL(/created=/), page.getByRole('button', { name: 'Export' }).click()]);
    await page.getByTestId('export-created').waitFor();
    await expect
      .poll(async () => {
        await page.reload();
        return page.getByTestId('export-row').first().getAttribute('data-status');
      })
      .toBe('done');
    expect(await page.getByRole('link', { name: 'Download' }).count()).toBe(1);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'exports.png'), fullPage: true });
    await page.close();
  });
});
