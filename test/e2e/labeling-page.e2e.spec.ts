import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerModel } from '../factories/models.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { openPage, postForm, signIn, type WebSession } from '../support/web.js';

const XSS = '<img src=x onerror=alert(1)>';
const XSS_ESCAPED = '&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;';
const ODD_CLASS = '<i>maybe</i>';

let t: TestApp;
let ingest: string;
let lena: WebSession;
let omar: WebSession;
let admin: WebSession;

const open = (s: WebSession, path: string) => openPage(t.http, s, path);
const post = (s: WebSession, path: string, form: Record<string, string>) => postForm(t.http, s, path, form);

/** Undoes Handlebars' escaping of "=", for matching text that holds no user data. */
const unescaped = (html: string) => html.replace(/&#x3D;/g, '=');

/** The task id and form action of the item on a queue page. */
function itemOf(html: string): { taskId: string; action: string } {
  const match = /<form id="lq-answer" method="post" action="([^"]+\/tasks\/([^"]+))"/.exec(html);
  if (!match) throw new Error(`no item on the page:\n${html.slice(0, 3000)}`);
  return { action: match[1], taskId: match[2] };
}

/** A model of its own with `n` predictions and one batch over them; returns its name and the prediction ids. */
async function queueWith(n: number, batch: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}) {
  const model = `lp-${randomUUID().slice(0, 8)}`;
  await registerModel(t.http, t.adminToken, model, { ...SHOP_MODEL, classes: ['purchase', 'click', ODD_CLASS] });
  const predictions = Array.from({ length: n }, (_, i) =>
    aPrediction({
      model,
      features: { price: 10 + i, country: 'de', device: 'mobile', title: `item ${i}` },
      scores: { purchase: 0.2, click: 0.5, [ODD_CLASS]: 0.3 },
      ...(i === 0 ? overrides : {}),
    }),
  );
  await t.http().post('/api/v1/predictions').set('Authorization', ingest).send({ predictions }).expect(201);
  const res = await t
    .http()
    .post(`/api/v1/models/${model}/labeling-batches`)
    .set('Authorization', `Bearer ${t.adminToken}`)
    .send({ size: n, auditFraction: 0, ...batch });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { model, batchId: (res.body as { id: string }).id, ids: predictions.map((p) => p.id as string) };
}

async function labelsOf(model: string, taskId: string) {
  const task = await t.tables.get<{ prediction_id: string }>('SELECT prediction_id FROM labeling_tasks WHERE id = ?', [taskId]);
  const res = await t
    .http()
    .get(`/api/v1/models/${model}/predictions/${encodeURIComponent(task!.prediction_id)}`)
    .set('Authorization', `Bearer ${t.adminToken}`)
    .expect(200);
  return (res.body as { labels: { label: string; source: string; by: string }[] }).labels;
}

beforeAll(async () => {
  t = await startTestApp();
  ingest = `Bearer ${await t.tokenFor('ingest')}`;
  lena = await signIn(t.http, await t.tokenFor('labeler', 'lena'));
  omar = await signIn(t.http, await t.tokenFor('labeler', 'omar'));
  admin = await signIn(t.http, t.adminToken);
});
afterAll(() => t.close());

describe('the queue page', () => {
  it('shows the leased item: features escaped, scores as sorted bars, slices, and why it was chosen', async () => {
    const { model } = await queueWith(1, {}, { features: { price: 12, country: 'de', device: 'mobile', title: XSS } });
    const page = await open(lena, `/labeling/${model}`).expect(200);
    expect(page.text).toContain(XSS_ESCAPED);
    expect(page.text).not.toContain('<img src=x');
    expect(page.text).not.toContain(ODD_CLASS);
    expect(page.text).toContain('&lt;i&gt;maybe&lt;/i&gt;');
    const shown = [...page.text.matchAll(/class="lq-score-class">([^<]*)</g)].map((m) => m[1]);
    expect(shown).toEqual(['click', '&lt;i&gt;maybe&lt;/i&gt;', 'purchase']);
    expect(page.text).toMatch(/50\.0%[\s\S]*30\.0%[\s\S]*20\.0%/);
    expect(page.text).toContain('<span class="lq-slice-key">country</span> de');
    expect(page.text).toContain('Least confidence');
    expect(unescaped(page.text)).toContain('1 − p(top) = 0.500');
    for (const key of ['1', '2', '3', 's', 'u']) expect(page.text).toContain(`data-shortcut="${key}"`);
    expect(page.text).toContain('<script src="/static/labeling.js" defer></script>');
    expect(page.text).not.toMatch(/<script>|onclick=|onkeydown=/);
  });

  it('shows the item it already holds again on reload, and explains an audit item', async () => {
    const { model } = await queueWith(3, { auditFraction: 1 });
    const first = itemOf((await open(lena, `/labeling/${model}`).expect(200)).text);
    const again = await open(lena, `/labeling/${model}`).expect(200);
    expect(itemOf(again.text).taskId).toBe(first.taskId);
    expect(again.text).toContain('Audit sample');
  });

  it('puts the CSRF token in every form and refuses a form post without it, storing nothing', async () => {
    const { model } = await queueWith(2);
    const page = await open(lena, `/labeling/${model}`).expect(200);
    const forms = page.text.match(/<form /g)!.length;
    expect(forms).toBe(3); // the answer, undo, and sign out
    expect(page.text.match(new RegExp(`name="_csrf" value="${lena.csrf.replace(/=/g, '&#x3D;')}"`, 'g'))).toHaveLength(forms);
    const { action, taskId } = itemOf(page.text);
    const res = await t.http().post(action).set('Cookie', lena.cookie).type('form').send({ label: 'click' });
    expect(res.status).toBe(403);
    expect(await labelsOf(model, taskId)).toEqual([]);
  });

  it('stores a manual label through the form and goes straight to the next item, with progress moving', async () => {
    const { model } = await queueWith(3);
    const page = await open(lena, `/labeling/${model}`).expect(200);
    expect(page.text).toContain('<strong>0</strong> of 3 labeled');
    const { action, taskId } = itemOf(page.text);
    const res = await post(lena, action, { label: ODD_CLASS }).expect(303);
    expect(res.headers.location).toBe(`/labeling/${model}?notice=saved&label=${encodeURIComponent(ODD_CLASS)}`);
    expect(await labelsOf(model, taskId)).toEqual([expect.objectContaining({ label: ODD_CLASS, source: 'manual', by: 'lena' })]);
    const next = await open(lena, res.headers.location).expect(200);
    expect(itemOf(next.text).taskId).not.toBe(taskId);
    expect(next.text).toContain('Saved as “&lt;i&gt;maybe&lt;/i&gt;”');
    expect(next.text).toContain('<strong>1</strong> of 3 labeled');
  });

  it('stores an audit label for an audit item, keeping the batch scope across the redirect', async () => {
    const { model, batchId } = await queueWith(2, { auditFraction: 1 });
    const { action, taskId } = itemOf((await open(lena, `/labeling/${model}?batch=${batchId}`).expect(200)).text);
    const res = await post(lena, action, { label: 'click', batch: batchId }).expect(303);
    expect(res.headers.location).toBe(`/labeling/${model}?batch=${batchId}&notice=saved&label=click`);
    expect(await labelsOf(model, taskId)).toEqual([expect.objectContaining({ label: 'click', source: 'audit' })]);
  });

  it('skips an item to the next one, and undo brings back the last answered item with its label withdrawn', async () => {
    const { model } = await queueWith(3);
    const first = itemOf((await open(lena, `/labeling/${model}`).expect(200)).text);
    const skipped = await post(lena, first.action, { skip: 'true' }).expect(303);
    expect(skipped.headers.location).toBe(`/labeling/${model}?notice=skipped`);
    const second = itemOf((await open(lena, skipped.headers.location).expect(200)).text);
    expect(second.taskId).not.toBe(first.taskId);
    await post(lena, second.action, { label: 'purchase' }).expect(303);
    expect(await labelsOf(model, second.taskId)).toHaveLength(1);

    const undone = await post(lena, `/labeling/${model}/undo`, {}).expect(303);
    expect(undone.headers.location).toBe(`/labeling/${model}?notice=undone`);
    const back = await open(lena, undone.headers.location).expect(200);
    expect(itemOf(back.text).taskId).toBe(second.taskId);
    expect(back.text).toContain('Undone');
    expect(await labelsOf(model, second.taskId)).toEqual([]);
  });

  it('explains a lease that expired and went to someone else, instead of failing, and saves nothing', async () => {
    const { model } = await queueWith(1);
    const mine = itemOf((await open(lena, `/labeling/${model}`).expect(200)).text);
    await t.tables.run('UPDATE labeling_tasks SET lease_expires_at = ? WHERE id = ?', [Date.now() - 1000, mine.taskId]);
    expect(itemOf((await open(omar, `/labeling/${model}`).expect(200)).text).taskId).toBe(mine.taskId);

    const res = await post(lena, mine.action, { label: 'click' }).expect(303);
    expect(res.headers.location).toBe(`/labeling/${model}?notice=lease_lost`);
    const page = await open(lena, res.headers.location).expect(200);
    expect(page.text).toContain('Your answer was not saved: your hold on that item expired and someone else took it.');
    expect(await labelsOf(model, mine.taskId)).toEqual([]);
  });

  it('says an item was already answered when the same answer is sent twice', async () => {
    const { model } = await queueWith(2);
    const { action } = itemOf((await open(lena, `/labeling/${model}`).expect(200)).text);
    await post(lena, action, { label: 'click' }).expect(303);
    const twice = await post(lena, action, { label: 'click' }).expect(303);
    expect(twice.headers.location).toBe(`/labeling/${model}?notice=already_finished`);
  });

  it('tells a labeler with nothing left to ask an admin for a batch, without the admin form', async () => {
    const model = `lp-${randomUUID().slice(0, 8)}`;
    await registerModel(t.http, t.adminToken, model);
    const page = await open(lena, `/labeling/${model}`).expect(200);
    expect(page.text).toContain('No tasks');
    expect(page.text).toContain('Ask an admin to create a batch.');
    expect(page.text).not.toContain('Create a balanced batch');
    await post(lena, `/labeling/${model}/batches`, { size: '10', strategy: 'least_confidence' }).expect(403);
  });

  it('shows an admin the form that creates a balanced batch, which then serves its first item', async () => {
    const model = `lp-${randomUUID().slice(0, 8)}`;
    await registerModel(t.http, t.adminToken, model);
    const predictions = ['purchase', 'click', 'ignore'].flatMap((cls) =>
      Array.from({ length: 4 }, (_, i) =>
        aPrediction({
          model,
          prediction: cls,
          scores: { purchase: 0.2, click: 0.2, ignore: 0.2, [cls]: 0.6 },
          features: { price: i, country: 'fr', device: 'desktop', title: `${cls} ${i}` },
        }),
      ),
    );
    await t.http().post('/api/v1/predictions').set('Authorization', ingest).send({ predictions }).expect(201);
    const empty = await open(admin, `/labeling/${model}`).expect(200);
    expect(empty.text).toContain(`<form method="post" action="/labeling/${model}/batches"`);
    const res = await post(admin, `/labeling/${model}/batches`, { size: '6', strategy: 'margin' }).expect(303);
    expect(res.headers.location).toMatch(new RegExp(`^/labeling/${model}\\?batch=[0-9a-f-]{36}&notice=batch_created&n=6$`));
    const batches = await t.http().get(`/api/v1/models/${model}/labeling-batches`).set('Authorization', `Bearer ${t.adminToken}`);
    expect(batches.body).toEqual([expect.objectContaining({ strategy: 'margin', quotaMode: 'balanced', filled: 6 })]);
    const first = await open(admin, res.headers.location).expect(200);
    expect(first.text).toContain('Batch created with 6 items.');
    itemOf(first.text);
  });

  it('answers an unknown model with a page that says so', async () => {
    const res = await open(lena, '/labeling/no-such-model').expect(404);
    expect(res.text).toContain('No model named “no-such-model”');
  });
});

describe('the list of queues', () => {
  it('lists each model with its batches, progress per class quota, and a link to start labeling', async () => {
    const { model, batchId } = await queueWith(3);
    const page = await open(lena, '/labeling').expect(200);
    expect(page.text).toContain(`href="/labeling/${model}"`);
    expect(unescaped(page.text)).toContain(`href="/labeling/${model}?batch=${batchId}"`);
    expect(page.text).toContain('&lt;i&gt;maybe&lt;/i&gt;');
    expect(page.text).not.toContain(ODD_CLASS);
    expect(page.text).toMatch(/least confidence, 3 items/);
  });
});

describe('who may open the pages', () => {
  it('sends a browser without a session to the login form, refuses ingest, and lets labelers and admins in', async () => {
    for (const path of ['/labeling', '/labeling/some-model']) {
      const anonymous = await t.http().get(path).set('Accept', 'text/html').expect(303);
      expect(anonymous.headers.location).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
    const ingest = `Bearer ${await t.tokenFor('ingest')}`;
    await t.http().get('/labeling').set('Authorization', ingest).set('Accept', 'text/html').expect(403);
    await t.http().get('/labeling/some-model').set('Authorization', ingest).set('Accept', 'text/html').expect(403);
    await open(lena, '/labeling').expect(200);
    await open(admin, '/labeling').expect(200);
  });
});
