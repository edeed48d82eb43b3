import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../src/app.factory.js';
import type { Principal } from '../../src/auth/roles.decorator.js';
import { SeededRandom } from '../../src/common/random.js';
import { EventsService } from '../../src/events/events.service.js';
import { JobQueue, QueueName } from '../../src/jobs/job-queue.js';
import { LabelsService } from '../../src/labels/labels.service.js';
import { SlicesProcessor } from '../../src/slices/slices.processor.js';
import { anEvent, SHOP_RULES } from '../factories/events.js';
import { registerModel } from '../factories/models.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import type { TestApp } from '../support/app.js';
import { signInThroughForm, useBrowserApp } from '../support/browser.js';

const ARTIFACTS = join(ROOT_DIR, 'test-artifacts');
const MIN = 60_000;

/**
 * A loop-biased shop: the model says click everywhere; in the US only 40% are clicks but users click
 * most of the wrong items too, so label accuracy looks fine there; an audit sample shows the truth.
 */
async function seed(t: TestApp): Promise<void> {
  const ingest = `Bearer ${await t.tokenFor('ingest')}`;
  const rng = new SeededRandom(11);
  const now = Date.now();
  const rows = Array.from({ length: 600 }, (_, i) => {
    const country = i % 3 === 0 ? 'us' : i % 3 === 1 ? 'de' : 'fr';
    const right = country === 'us' ? rng.chance(0.4) : rng.chance(0.85);
    return { i, country, truth: right ? 'click' : 'ignore' };
  });
  const predictions = rows.map((r) =>
    aPrediction({
      id: `p-${r.i}`,
      timestamp: new Date(now - (120 + (r.i % 600)) * MIN).toISOString(),
      features: { price: r.i, country: r.country, device: r.i % 2 ? 'mobile' : 'desktop', title: 't' },
      prediction: 'click',
    }),
  );
  const res = await t.http().post('/api/v1/predictions').set('Authorization', ingest).send({ predictions });
  expect(res.status).toBe(201);
  const events = rows
    .filter((r) => r.truth === 'click' || (r.country === 'us' && rng.chance(0.75)))
    .map((r) => anEvent(`p-${r.i}`, { timestamp: new Date(now - (119 + (r.i % 600)) * MIN).toISOString() }));
  expect((await t.http().post('/api/v1/events').set('Authorization', ingest).send({ events })).status).toBe(202);
  await t.app.get(EventsService).requestJoin();
  await t.app.get(JobQueue).drain(QueueName.Labels);
  const auditor: Principal = { tokenId: 'auditor', name: 'auditor', role: 'labeler', via: 'bearer' };
  for (const r of rng.shuffle([...rows]).slice(0, 150))
    await t.app.get(LabelsService).label({ model: 'shop', predictionId: `p-${r.i}`, label: r.truth, source: 'audit' }, auditor);
  await t.app.get(SlicesProcessor).requestRollup();
  await t.app.get(JobQueue).drain(QueueName.Slices);
}

describe('label accuracy beside the corrected estimate, and label quality, in a browser', () => {
  const app = useBrowserApp({ width: 1400, height: 1000 });

  beforeAll(async () => {
    await registerModel(app.t.http, app.t.adminToken, 'shop', { ...SHOP_MODEL, ...SHOP_RULES, eventGrace: '1ms' });
    await seed(app.t);
  }, 60_000);

  it('shows both figures per slice, marks the biased slice, queues its audit, and links to label quality', async () => {
    const page = await app.browser.newPage();
    await signInThroughForm(page, app.baseUrl, app.t.adminToken, '/models/shop/slices?window=all');
    expect(await page.getByTestId('overall-estimate').textContent()).toMatch(/^\d+\.\d%$/);
    expect(await page.getByTestId('estimate-explained').textContent()).toMatch(/audit labels/);
    const us = page.getByTestId('slice-row').filter({ hasText: 'country = us' }).first();
    expect(await us.getByTestId('biased').textContent()).toBe('biased labels');
    const label = Number((await us.locator('td.num').nth(0).locator('strong').textContent())!.replace('%', ''));
    const estimate = Number((await us.getByTestId('slice-estimate').locator('strong').textContent())!.replace('%', ''));
    expect(label - estimate).toBeGreaterThan(15);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'slices-estimate.png'), fullPage: true });

    const button = us.getByTestId('queue-audit');
    expect(await button.textContent()).toMatch(/^Queue audit \(\d+\)$/);
    await Promise.all([page.waitForURL(/batch=/), button.click()]);
    expect(await page.getByRole('status').first().textContent()).toMatch(/Queued \d+ of \d+/);

    await Promise.all([page.waitForURL(/\/models\/shop\/quality$/), page.getByTestId('quality-link').click()]);
    const direct = page.getByTestId('quality-source').first();
    expect(await direct.getByRole('heading', { level: 2 }).textContent()).toBe('Direct (event rule) · click');
    expect(await direct.getByTestId('agreement-audit').textContent()).toMatch(/^\d+\.\d%$/);
    expect(await direct.getByTestId('per-class').textContent()).toContain('not measured');
    expect(await page.getByTestId('quality-by-slice').textContent()).toContain('country = us');
    await page.screenshot({ path: join(ARTIFACTS, 'quality.png'), fullPage: true });
    await page.close();
  });
});
