import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../src/app.factory.js';
import type { Principal } from '../../src/auth/roles.decorator.js';
import { SeededRandom } from '../../src/common/random.js';
import { LabelsService } from '../../src/labels/labels.service.js';
import { anEvent } from '../factories/events.js';
import { registerModel } from '../factories/models.js';
import { aPrediction } from '../factories/predictions.js';
import { eventually } from '../support/eventually.js';
import type { TestApp } from '../support/app.js';
import { signInThroughForm, useBrowserApp } from '../support/browser.js';

const ARTIFACTS = join(ROOT_DIR, 'test-artifacts');
const HOUR = 3_600_000;
const CLASSES = ['purchase', 'click', 'ignore'] as const;
const MODEL = {
  classes: [...CLASSES],
  sliceKeys: ['weather', 'country', 'device'],
  labelRules: [
    { event: 'purchase', label: 'purchase', within: '7d', priority: 20 },
    { event: 'click', label: 'click', within: '30m', priority: 10 },
  ],
  implicitLabel: { label: 'ignore', after: '30m' },
};

/**
 * Three days of a shop model, 12 predictions an hour: rain is right about half the time and getting
 * worse, the rest about four times in five. Labels come from events (direct), silence (implicit),
 * a labeler (manual) and an audit sample.
 */
async function seed(t: TestApp): Promise<void> {
  const rng = new SeededRandom(7); // the same data, so the same screenshot, each run
  const ingest = `Bearer ${await t.tokenFor('ingest')}`;
  const predictions: Record<string, unknown>[] = [];
  const truth = new Map<string, string>();
  const events: Record<string, unknown>[] = [];
  const start = Date.now() - 72 * HOUR;
  for (let h = 0; h < 71; h++) {
    for (let i = 0; i < 12; i++) {
      const weather = rng.weighted(['sun', 'rain', 'snow'], [0.6, 0.3, 0.1]);
      const country = rng.weighted(['de', 'fr', 'us'], [0.4, 0.3, 0.3]);
      const device = rng.weighted(['mobile', 'desktop'], [0.6, 0.4]);
      const predicted = rng.weighted(CLASSES, [0.2, 0.4, 0.4]);
      const pRight = weather === 'rain' ? 0.62 - (0.2 * h) / 71 : weather === 'snow' ? 0.74 : 0.84;
      const actual =
        rng.next() < pRight
          ? predicted
          : rng.weighted(
              CLASSES.filter((c) => c !== predicted),
              [0.5, 0.5],
            );
      const ts = start + h * HOUR + i * 300_000;
      const id = `p-${h}-${i}`;
      predictions.push(
        aPrediction({
          id,
          model: 'shop',
          timestamp: new Date(ts).toISOString(),
          features: { weather, country, device },
          prediction: predicted,
          scores: Object.fromEntries(CLASSES.map((c) => [c, c === predicted ? 0.6 : 0.2])),
        }),
      );
      truth.set(id, actual);
      if (actual !== 'ignore')
        events.push(anEvent(id, { model: 'shop', type: actual, timestamp: new Date(ts + 60_000).toISOString() }));
    }
  }
  expect((await t.http().post('/api/v1/predictions').set('Authorization', ingest).send({ predictions })).status).toBe(201);
  expect((await t.http().post('/api/v1/events').set('Authorization', ingest).send({ events })).status).toBe(202);
  // Tablets started minutes ago: predictions, no labels yet (the implicit label comes after 30 minutes).
  const tablets = Array.from({ length: 40 }, (_, i) =>
    aPrediction({
      id: `tablet-${i}`,
      model: 'shop',
      timestamp: new Date(Date.now() - 5 * 60_000 + i * 1000).toISOString(),
      features: { weather: 'sun', country: 'de', device: 'tablet' },
      prediction: 'click',
      scores: { purchase: 0.2, click: 0.6, ignore: 0.2 },
    }),
  );
  expect((await t.http().post('/api/v1/predictions').set('Authorization', ingest).send({ predictions: tablets })).status).toBe(
    201,
  );
  const ids = [...truth.keys()];
  const labeler = `Bearer ${await t.tokenFor('labeler', 'Lena')}`;
  for (const id of ids.filter((_, i) => i % 25 === 0)) {
    const res = await t
      .http()
      .post('/api/v1/labels')
      .set('Authorization', labeler)
      .send({ model: 'shop', predictionId: id, label: truth.get(id) });
    expect(res.status).toBe(201);
  }
  const auditor: Principal = { tokenId: 'auditor', name: 'auditor', role: 'labeler', via: 'bearer' };
  for (const id of ids.filter((_, i) => i % 17 === 3)) {
    await t.app.get(LabelsService).label({ model: 'shop', predictionId: id, label: truth.get(id)!, source: 'audit' }, auditor);
  }
}

describe('the accuracy-by-slice page in a browser', () => {
  const app = useBrowserApp({ width: 1280, height: 900 });

  beforeAll(async () => {
    await registerModel(app.t.http, app.t.adminToken, 'shop', MODEL);
    await seed(app.t);
    await eventually(async () => {
      const res = await app.t
        .http()
        .get('/api/v1/models/shop/alerts?state=firing')
        .set('Authorization', `Bearer ${app.t.adminToken}`);
      const alerts = (res.body as { alerts: { slice: { value: string } }[] }).alerts;
      expect(alerts.map((a) => a.slice.value)).toContain('rain');
    }, 60_000);
  });

  const rowNames = (page: Page) =>
    page
      .getByTestId('slice-row')
      .evaluateAll((rows) => rows.map((r) => r.querySelector('th')!.textContent!.replace(/\s+/g, ' ').trim()));

  it('shows the firing alert and the flagged slice on top, sorts by labels, and filters by label source', async () => {
    const page = await app.browser.newPage();
    const failed: string[] = [];
    page.on('requestfailed', (r) => failed.push(r.url()));
    page.on('request', (r) => {
      if (!r.url().startsWith(app.baseUrl)) failed.push(`external: ${r.url()}`);
    });

    await page.goto(`${app.baseUrl}/models/shop/slices`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await signInThroughForm(page, app.baseUrl, app.t.adminToken, '/models/shop/slices');

    const alert = page.getByTestId('firing-alert').first();
    await expect.poll(() => alert.getByRole('heading').textContent()).toBe('weather = rain');
    expect(await alert.textContent()).toMatch(/weather=rain is at \d+\.\d% accuracy \(95% CI/);
    await expect.poll(() => alert.getByRole('button').textContent()).toBe('queue 100 examples of weather=rain for labeling');
    const first = page.getByTestId('slice-row').first();
    expect(await first.getAttribute('data-flagged')).toBe('true');
    expect((await rowNames(page))[0]).toMatch(/^weather = rain alert/);
    expect(
      await first.evaluate((tr) => tr.ownerDocument.defaultView!.getComputedStyle(tr.querySelector('th')!).backgroundColor),
    ).toBe('rgb(253, 236, 236)');
    expect(await page.locator('svg.spark').count()).toBeGreaterThan(5);
    expect(await page.getByTestId('audit-accuracy').textContent()).toMatch(/^\d+\.\d%$/);
    // The label-free estimate beside realized accuracy, and the slice without labels last, with its estimate.
    await expect.poll(() => page.getByTestId('overall-label-free').textContent()).toMatch(/^\d+\.\d%$/);
    const tablet = page.locator('tr[data-unlabeled="true"]');
    expect(await tablet.count()).toBe(1);
    expect((await tablet.locator('th').textContent())!.replace(/\s+/g, ' ')).toContain('device = tablet');
    expect(await tablet.getByTestId('slice-label-free').textContent()).toMatch(/^\s*\d+\.\d%\d+\.\d–\d+\.\d%40 predictions\s*$/);
    expect((await rowNames(page)).at(-1)).toMatch(/^device = tablet/);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'slices.png'), fullPage: true });

    await Promise.all([page.waitForURL(/sort=n&dir=desc/), page.getByRole('link', { name: 'Labels', exact: true }).click()]);
    const counts = await page
      .getByTestId('slice-row')
      .evaluateAll((rows) => rows.map((r) => Number(r.querySelectorAll('td.num')[4].textContent!.replace(/,/g, ''))));
    expect(counts.length).toBeGreaterThan(5);
    expect(counts.at(-1)).toBe(0); // the tablets, after every labeled slice
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(await page.locator('th[aria-sort="descending"]').textContent()).toContain('Labels');

    // The selector submits itself (JavaScript); the sort is kept.
    await Promise.all([page.waitForURL(/source=manual/), page.getByLabel('Label source').selectOption('manual')]);
    const url = new URL(page.url());
    expect(url.searchParams.get('sort')).toBe('n');
    const manualTotal = await page.getByTestId('overall-accuracy').locator('xpath=following-sibling::p[1]').textContent();
    expect(manualTotal).toMatch(/ · (\d+) labels$/);
    expect(Number(/ · (\d+) labels$/.exec(manualTotal!)![1])).toBe(35);
    expect(await page.getByLabel('Label source').inputValue()).toBe('manual');

    expect(failed).toEqual([]);
    await page.close();
  });
});
