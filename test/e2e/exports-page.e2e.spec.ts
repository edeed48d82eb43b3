import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerModel } from '../factories/models.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { eventually } from '../support/eventually.js';
import { csrfFields, openPage, postForm, signIn, type WebSession } from '../support/web.js';

const EVIL = '<script>alert("export")</script>';
let t: TestApp;
let session: WebSession;

const page = (path = '/models/shop/exports') => openPage(t.http, session, path);
const submit = (fields: Record<string, string | string[]>) =>
  postForm(t.http, session, '/models/shop/exports', {
    format: 'csv',
    mitigation: 'ips_weights',
    labelSources: ['manual', 'audit'],
    validation: '0.2',
    splitBy: 'random',
    seed: '1',
    ...fields,
  }).set('Accept', 'text/html');

beforeAll(async () => {
  t = await startTestApp();
  await registerModel(t.http, t.adminToken, 'shop', SHOP_MODEL);
  const ingest = `Bearer ${await t.tokenFor('ingest')}`;
  const labeler = `Bearer ${await t.tokenFor('labeler')}`;
  const predictions = Array.from({ length: 12 }, (_, i) =>
    aPrediction({ id: `pg-${i}`, exposure: { policy: 'model', propensity: 0.6 } }),
  );
  expect((await t.http().post('/api/v1/predictions').set('Authorization', ingest).send({ predictions })).status).toBe(201);
  for (let i = 0; i < 12; i++) {
    const res = await t
      .http()
      .post('/api/v1/labels')
      .set('Authorization', labeler)
      .send({ model: 'shop', predictionId: `pg-${i}`, label: ['click', 'ignore'][i % 2] });
    expect(res.status).toBeLessThan(300);
  }
  // An admin token whose name is hostile markup.
  session = await signIn(t.http, await t.tokenFor('admin', EVIL));
}, 60_000);
afterAll(() => t.close());

describe('the exports page', () => {
  it('shows the report with explanations and actions, and a CSRF-protected form that asks for acknowledgement', async () => {
    const res = await page();
    expect(res.status).toBe(200);
    expect(res.text).toContain('Feedback-loop report');
    expect(res.text).toMatch(/data-severity="(warn|block)"/);
    expect(res.text).toContain('What to do:');
    expect(res.text).toMatch(/name="acknowledge(Warnings|Blocking)"/);
    expect(csrfFields(res.text)).toContain(session.csrf);
    expect(res.text).toContain('No exports yet');
  });

  it('renders the refusal with the report when the findings are not acknowledged, and exports nothing', async () => {
    const res = await submit({});
    expect(res.status).toBe(409);
    expect(res.text).toContain('data-testid="export-refused"');
    expect(res.text).toContain('Nothing was exported');
    expect(res.text).toMatch(/<option value="ips_weights" selected>/);
    expect((await page()).text).toContain('No exports yet');
  });

  it('refuses a form without the CSRF token', async () => {
    const res = await t
      .http()
      .post('/models/shop/exports')
      .set('Cookie', session.cookie)
      .type('form')
      .send({ format: 'csv', mitigation: 'none' });
    expect(res.status).toBe(403);
  });

  it('queues an acknowledged export, redirects back with a notice and lists it with a download link once done', async () => {
    const res = await submit({ acknowledgeWarnings: 'on', acknowledgeBlocking: 'on' });
    expect(res.status).toBe(303);
    const location = res.headers.location as string;
    expect(location).toMatch(/^\/models\/shop\/exports\?created=[0-9a-f-]{36}$/);
    const id = location.split('=')[1];
    const after = await page(location);
    expect(after.text).toContain('data-testid="export-created"');
    const done = await eventually(async () => {
      const listed = await page();
      expect(listed.text).toContain(`data-id="${id}" data-status="done"`);
      return listed.text;
    });
    expect(done).toContain(`href="/api/v1/exports/${id}/download"`);
    expect(done).toContain('12 rows');
    expect(done).not.toContain(EVIL);
    expect(done).toContain('&lt;script&gt;alert(&quot;export&quot;)&lt;/script&gt;');
    const download = await t.http().get(`/api/v1/exports/${id}/download`).set('Cookie', session.cookie);
    expect(download.status).toBe(200);
    expect(download.text.split('\r\n')[0]).toMatch(/^id,timestamp,model_version,/);
  });
});
