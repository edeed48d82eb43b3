import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../src/app.factory.js';
import { registerModel } from '../factories/models.js';
import { eventually } from '../support/eventually.js';
import { signInThroughForm, useBrowserApp } from '../support/browser.js';

const ARTIFACTS = join(ROOT_DIR, 'test-artifacts');

const MAIL = {
  classes: ['ham', 'spam'],
  sliceKeys: [],
  featureSchema: { subject: { type: 'text' }, links: { type: 'number', min: 0 } },
};

describe('the labeling-functions page in a browser', () => {
  const app = useBrowserApp({ width: 1280, height: 900 });
  const admin = () => `Bearer ${app.t.adminToken}`;

  beforeAll(async () => {
    await registerModel(app.t.http, app.t.adminToken, 'mail', MAIL);
    const ingest = `Bearer ${await app.t.tokenFor('ingest')}`;
    const subjects = ['Free money <now>', 'Meeting notes', 'Win big', 'Lunch?'];
    const predictions = Array.from({ length: 20 }, (_, i) => ({
      id: `b-${i}`,
      model: 'mail',
      modelVersion: 'v1',
      timestamp: new Date(Date.now() - 60_000).toISOString(),
      features: { subject: subjects[i % 4], links: i % 2 === 0 ? 6 : 0 },
      prediction: i % 2 === 0 ? 'spam' : 'ham',
      scores: i % 2 === 0 ? { ham: 0.1, spam: 0.9 } : { ham: 0.9, spam: 0.1 },
    }));
    expect((await app.t.http().post('/api/v1/predictions').set('Authorization', ingest).send({ predictions })).status).toBe(201);
    const fns: [string, Record<string, unknown>][] = [
      ['free_words', { kind: 'keyword', feature: 'subject', label: 'spam', keywords: ['free', 'win'] }],
      ['many_links', { kind: 'range', feature: 'links', label: 'spam', min: 5 }],
      ['calm', { kind: 'regex', feature: 'subject', label: 'ham', pattern: '^(meeting|lunch)' }],
    ];
    for (const [name, body] of fns) {
      const res = await app.t
        .http()
        .put(`/api/v1/models/mail/labeling-functions/${name}`)
        .set('Authorization', admin())
        .send(body);
      expect(res.status).toBe(200);
      await eventually(async () => {
        const run = await app.t
          .http()
          .get(`/api/v1/models/mail/weak-runs/${res.body.applyRun as string}`)
          .set('Authorization', admin());
        expect(run.body.status).toBe('done');
      });
    }
    const fit = await app.t.http().post('/api/v1/models/mail/weak-runs').set('Authorization', admin()).send({ kind: 'fit' });
    await eventually(async () => {
      const run = await app.t
        .http()
        .get(`/api/v1/models/mail/weak-runs/${fit.body.id as string}`)
        .set('Authorization', admin());
      expect(run.body.status).toBe('done');
    });
  }, 60_000);

  it('lists the functions with their figures and lets an admin disable one', async () => {
    const page = await app.browser.newPage();
    await signInThroughForm(page, app.baseUrl, app.t.adminToken, '/models/mail/labeling-functions');
    await page.getByTestId('functions').waitFor();
    expect(await page.getByTestId('function-row').count()).toBe(3);
    const free = page.locator('[data-testid="function-row"][data-name="free_words"]');
    expect(await free.textContent()).toContain('50.0%');
    expect(await free.textContent()).toContain('subject contains "free" or "win"');
    expect(await page.getByTestId('label-model').textContent()).toContain('Label model:');

    await Promise.all([page.waitForURL(/changed=calm/), page.getByRole('button', { name: 'Disable calm' }).click()]);
    await page.getByTestId('function-changed').waitFor();
    expect(await page.locator('[data-name="calm"]').getAttribute('data-enabled')).toBe('false');
    expect(await page.getByRole('button', { name: 'Enable calm' }).count()).toBe(1);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'labeling-functions.png'), fullPage: true });
    await page.close();
  });
});
