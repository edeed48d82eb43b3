import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../src/app.factory.js';
import { registerModel } from '../factories/models.js';
import { aPrediction } from '../factories/predictions.js';
import { signInThroughForm, useBrowserApp } from '../support/browser.js';

const ARTIFACTS = join(ROOT_DIR, 'test-artifacts');
const MODEL = 'shop';
const CLASSES = ['purchase', 'click', 'ignore'];
const TITLES = ['Trail running shoes', 'Cast-iron pan, 28 cm', 'Noise-cancelling headphones', 'Seed kit for herbs', 'Board game'];
const REVIEW =
  'Bought these for a half marathon. The fit is narrow at the toe, which took a week to get used to, and the ' +
  'grip on wet stones is better than my old pair. Would buy again if they came in a wider size.';

describe('labeling in the browser', () => {
  const app = useBrowserApp({ width: 1280, height: 860 });

  beforeAll(async () => {
    await registerModel(app.t.http, app.t.adminToken, MODEL, {
      classes: CLASSES,
      sliceKeys: ['country', 'device'],
      featureSchema: {
        title: { type: 'text' },
        price: { type: 'number', min: 0 },
        country: { type: 'category', values: ['de', 'fr', 'us'] },
        device: { type: 'category', values: ['mobile', 'desktop'] },
        review: { type: 'text' },
      },
    });
    const predictions = TITLES.map((title, i) =>
      aPrediction({
        model: MODEL,
        prediction: CLASSES[i % 3],
        scores: Object.fromEntries(CLASSES.map((c, j) => [c, j === i % 3 ? 0.46 : j === (i + 1) % 3 ? 0.32 : 0.22])),
        features: { title, price: 12.5 + i * 7, country: ['de', 'fr', 'us'][i % 3], device: 'mobile', review: REVIEW },
      }),
    );
    const ingest = await app.t.tokenFor('ingest');
    await app.t.http().post('/api/v1/predictions').set('Authorization', `Bearer ${ingest}`).send({ predictions }).expect(201);
    await app.t
      .http()
      .post(`/api/v1/models/${MODEL}/labeling-batches`)
      .set('Authorization', `Bearer ${app.t.adminToken}`)
      .send({ size: 5, auditFraction: 0.2 })
      .expect(201);
  });

  const taskId = async (page: Page) => (await page.locator('#lq-answer').getAttribute('action'))!.split('/').pop()!;
  const labeled = async (page: Page) => (await page.getByTestId('batch-progress').locator('.lq-count').innerText()).trim();

  async function press(page: Page, key: string, query: string): Promise<void> {
    await Promise.all([page.waitForURL(`${app.baseUrl}/labeling/${MODEL}?${query}`), page.keyboard.press(key)]);
  }

  async function taskState(id: string) {
    return app.t.tables.get<{ status: string; label: string | null }>('SELECT status, label FROM labeling_tasks WHERE id = ?', [
      id,
    ]);
  }

  it('labels three items with keys 1-3, shows the progress move, undoes with u and skips with s', async () => {
    const page = await app.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('response', (res) => {
      if (res.status() >= 400 && new URL(res.url()).pathname !== '/favicon.ico') errors.push(`${res.status()} ${res.url()}`);
    });
    await signInThroughForm(page, app.baseUrl, await app.t.tokenFor('labeler', 'Lena Labeler'), `/labeling/${MODEL}`);
    expect(await labeled(page)).toBe('0 of 5 labeled');
    await expect(page.getByRole('button', { name: /purchase/ }).getAttribute('aria-keyshortcuts')).resolves.toBe('1');

    const answered: string[] = [];
    for (const [i, cls] of CLASSES.entries()) {
      answered.push(await taskId(page));
      await press(page, String(i + 1), `notice=saved&label=${cls}`);
      expect(await labeled(page)).toBe(`${i + 1} of 5 labeled`);
      expect(await taskId(page)).not.toBe(answered[i]);
    }
    for (const [i, cls] of CLASSES.entries()) expect(await taskState(answered[i])).toEqual({ status: 'done', label: cls });
    expect(await page.getByRole('status').innerText()).toContain('Saved as “ignore”');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'labeling.png'), fullPage: true });

    await press(page, 'u', 'notice=undone');
    expect(await taskId(page)).toBe(answered[2]);
    expect(await labeled(page)).toBe('2 of 5 labeled');
    expect(await taskState(answered[2])).toEqual({ status: 'leased', label: null });

    await press(page, 's', 'notice=skipped');
    expect(await taskState(answered[2])).toEqual({ status: 'skipped', label: null });
    expect(await taskId(page)).not.toBe(answered[2]);
    expect(await labeled(page)).toBe('2 of 5 labeled');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('ignores the shortcut keys while the admin types in the new-batch form', async () => {
    await registerModel(app.t.http, app.t.adminToken, 'empty-shop', { classes: CLASSES });
    const page = await app.browser.newPage();
    await signInThroughForm(page, app.baseUrl, app.t.adminToken, '/labeling/empty-shop');
    const size = page.getByLabel('Items');
    await size.fill('');
    await size.press('1');
    await size.press('u');
    await page.waitForTimeout(300);
    expect(page.url()).toBe(`${app.baseUrl}/labeling/empty-shop`);
    expect(await size.inputValue()).toBe('1');
    await page.close();
  });
});
