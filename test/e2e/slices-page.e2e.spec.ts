import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenRole } from '../../src/auth/token.entity.js';
import { SeededRandom } from '../../src/common/random.js';
import { EstimatesService } from '../../src/monitoring/estimates.service.js';
import { anEvent } from '../factories/events.js';
import { registerModel } from '../factories/models.js';
import { aPrediction } from '../factories/predictions.js';
import { eventually } from '../support/eventually.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { csrfFields, decodeHtml, openPage, signIn, type WebSession } from '../support/web.js';

const MIN = 60_000;
const EVIL = '<script>alert("slice")</script>';
const MODEL = {
  classes: ['purchase', 'click', 'ignore'],
  sliceKeys: ['weather', 'country'],
  labelRules: [{ event: 'purchase', label: 'purchase', within: '7d', priority: 20 }],
};

let t: TestApp;
let ingest: string;
const sessions = new Map<TokenRole, WebSession>();

const page = (role: TokenRole, path = '/models/shop/slices') => openPage(t.http, sessions.get(role)!, path);

const decoded = decodeHtml;

/** Rows of the table as "key=value" in page order (values unescaped for reading). */
function rowsOf(html: string): string[] {
  return [...html.matchAll(/<span class="slice-key">([^<]*)<\/span> = <span class="slice-value">([^<]*)<\/span>/g)].map(
    (m) =>
      `${m[1]}=${m[2]
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')}`,
  );
}

async function seed(model: string, weather: string, country: string, correct: number, wrong: number, version = 'v1') {
  const predictions = Array.from({ length: correct + wrong }, (_, i) =>
    aPrediction({
      model,
      modelVersion: version,
      timestamp: new Date(Date.now() - 10 * MIN).toISOString(),
      features: { weather, country },
      prediction: i < correct ? 'purchase' : 'click',
      scores: i < correct ? { purchase: 0.6, click: 0.3, ignore: 0.1 } : { purchase: 0.3, click: 0.6, ignore: 0.1 },
    }),
  );
  expect((await t.http().post('/api/v1/predictions').set('Authorization', ingest).send({ predictions })).status).toBe(201);
  const events = predictions.map((p) =>
    anEvent(p.id as string, { model, type: 'purchase', timestamp: new Date().toISOString() }),
  );
  expect((await t.http().post('/api/v1/events').set('Authorization', ingest).send({ events })).status).toBe(202);
}

beforeAll(async () => {
  t = await startTestApp();
  ingest = `Bearer ${await t.tokenFor('ingest')}`;
  await registerModel(t.http, t.adminToken, 'shop', MODEL);
  await registerModel(t.http, t.adminToken, 'quiet', MODEL);
  await seed('shop', 'sun', 'de', 150, 30);
  await seed('shop', 'rain', 'fr', 8, 32, 'v2');
  await seed('shop', EVIL, 'de', 3, 2);
  for (const role of ['labeler', 'admin'] as const)
    sessions.set(role, await signIn(t.http, role === 'admin' ? t.adminToken : await t.tokenFor(role)));
  const reader = `Bearer ${await t.tokenFor('labeler')}`;
  // Rain (all of it in fr) fires, and so does fr: once their labels are rolled up and evaluated.
  await eventually(async () => {
    const res = await t.http().get('/api/v1/models/shop/alerts?state=firing').set('Authorization', reader);
    const slices = await t.http().get('/api/v1/models/shop/slices').set('Authorization', reader);
    expect((slices.body as { overall: { n: number } }).overall.n).toBe(225);
    const alerts = (res.body as { alerts: { message: string }[] }).alerts;
    // Refreshed with every label: an alert can fire before the last labels of its slice are rolled up.
    expect(alerts.map((a) => a.message.includes('Behind it: 40 labels'))).toEqual([true, true]);
  }, 40_000);
});
afterAll(() => t?.close());

describe('/models/:model/slices', () => {
  it('sends a visitor without a session to the login form, and back here after it', async () => {
    const res = await t.http().get('/models/shop/slices?window=24h').set('Accept', 'text/html');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/login?next=${encodeURIComponent('/models/shop/slices?window=24h')}`);
  });

  it('refuses the page to the ingest role, which reads nothing (and cannot sign in)', async () => {
    const res = await t.http().get('/models/shop/slices').set('Authorization', ingest).set('Accept', 'text/html');
    expect(res.status).toBe(403);
  });

  it.each(['labeler', 'admin'] as const)('shows the page to the %s role', async (role) => {
    const res = await page(role);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('<h1>shop <span class="subtitle">accuracy by slice</span></h1>');
    expect(res.text).toContain('<link rel="stylesheet" href="/static/slices.css">');
  });

  it('escapes a slice value that holds markup, in the table and everywhere else', async () => {
    const res = await page('admin');
    expect(res.text).not.toContain(EVIL);
    expect(res.text).not.toMatch(/<script>alert/);
    expect(res.text).toContain('&lt;script&gt;alert(&quot;slice&quot;)&lt;/script&gt;');
    expect(rowsOf(res.text)).toContain(`weather=${EVIL}`);
    // Every script tag on the page is the page's own file.
    expect([...res.text.matchAll(/<script[^>]*>/g)].map((m) => m[0])).toEqual(['<script src="/static/slices.js" defer>']);
  });

  it('puts the firing alert on top with its message and recommendation, and highlights the flagged slice first', async () => {
    const res = await page('labeler');
    const alertAt = res.text.indexOf('data-testid="firing-alert"');
    const tableAt = res.text.indexOf('data-testid="slices-table"');
    expect(alertAt).toBeGreaterThan(0);
    expect(alertAt).toBeLessThan(tableAt);
    expect(decoded(res.text)).toContain('weather=rain is at 20.0% accuracy (95% CI 10.5–34.8%)');
    expect(decoded(res.text)).toContain('Recommended: queue 100 examples of weather=rain for labeling');
    expect(rowsOf(res.text).slice(0, 2)).toEqual(['weather=rain', 'country=fr']);
    expect(res.text).toMatch(
      /<tr class="slice-row is-flagged" data-testid="slice-row" data-flagged="true" data-unlabeled="false">\s*<th scope="row" class="slice-name">\s*<span class="slice-key">weather<\/span> = <span class="slice-value">rain<\/span>/,
    );
  });

  it('shows the overall and the audit accuracy side by side', async () => {
    const res = await page('labeler');
    expect(res.text).toMatch(/data-testid="overall-accuracy">71\.6%</); // 161 of 225
    expect(res.text).toContain('95% CI 65.3–77.1% · 225 labels');
    expect(res.text).toContain('No audit labels in this selection.');
  });

  it('sorts by a column through links, without JavaScript', async () => {
    const byN = await page('labeler', '/models/shop/slices?sort=n&dir=desc');
    expect(rowsOf(byN.text)).toEqual(['country=de', 'weather=sun', 'weather=rain', 'country=fr', `weather=${EVIL}`]);
    expect(decoded(byN.text)).toContain(
      '<th scope="col" class="num" aria-sort="descending"><a href="?sort=n&dir=asc" data-sort="n">Labels',
    );
    const byAccuracy = await page('labeler', '/models/shop/slices?sort=accuracy&dir=desc');
    expect(rowsOf(byAccuracy.text)).toEqual(['weather=sun', 'country=de', `weather=${EVIL}`, 'weather=rain', 'country=fr']);
    const byDelta = await page('labeler', '/models/shop/slices?window=24h&source=direct&sort=delta');
    expect(rowsOf(byDelta.text)[0]).toBe('weather=rain');
    expect(decoded(byDelta.text)).toContain('href="?window=24h&source=direct&sort=n&dir=desc"');
  });

  it('filters by version and label source, and says what to do when a selection is empty', async () => {
    const v2 = await page('labeler', '/models/shop/slices?version=v2&window=&source=');
    expect(v2.status).toBe(200);
    expect(rowsOf(v2.text)).toEqual(['weather=rain', 'country=fr']);
    expect(v2.text).toContain('<option value="v2" selected>v2</option>');
    // The label-free figures follow the version too: v2 is the 40 predictions of rain in fr.
    await eventually(async () => expect(await t.tables.count('monitoring_pending')).toBe(0), 30_000);
    const v2again = await page('labeler', '/models/shop/slices?version=v2');
    expect(decoded(v2again.text)).toMatch(
      /data-testid="overall-label-free">[\d.]+%<\/p>\s*<p class="stat-note">95% CI [\d.–%]+ · 40 predictions/,
    );
    const all = await page('labeler', '/models/shop/slices');
    expect(decoded(all.text)).toMatch(/95% CI [\d.–%]+ · 225 predictions · /);
    const manual = await page('labeler', '/models/shop/slices?source=manual');
    expect(manual.text).toContain('data-testid="empty-state"');
    expect(manual.text).toContain('No labels in this selection');
    expect(manual.text).toContain('href="?"');
    const bad = await page('labeler', '/models/shop/slices?source=guess');
    expect(bad.status).toBe(400);
  });

  it('explains how labels arrive on a model without any', async () => {
    const res = await page('labeler', '/models/quiet/slices');
    expect(res.text).toContain('No labels yet');
    expect(res.text).toContain('POST /api/v1/events');
    expect(res.text).not.toContain('data-testid="slices-table"');
  });

  it('gives admins a queue button per slice and on the alert, each form with the session CSRF token', async () => {
    const admin = sessions.get('admin')!;
    const res = await page('admin');
    const forms = [...res.text.matchAll(/<form[^>]*method="post"[^>]*>/g)];
    // two alerts, five slices each with a labeling and an audit form, the overall's audit form, sign out
    expect(forms.length).toBe(2 + 5 * 2 + 1 + 1);
    expect(forms.filter((f) => f[0].includes('/slices/audit-batch'))).toHaveLength(6);
    expect(csrfFields(res.text)).toEqual(forms.map(() => admin.csrf));
    expect(decoded(res.text)).toContain(
      '<button type="submit" class="button">queue 100 examples of weather=rain for labeling</button>',
    );
    const labeler = await page('labeler');
    expect(labeler.text).not.toContain('/slices/labeling-batch');
  });

  it('queues a labeling batch of the slice for an admin, and reports it on the page', async () => {
    const admin = sessions.get('admin')!;
    const res = await t
      .http()
      .post('/models/shop/slices/labeling-batch')
      .set('Cookie', admin.cookie)
      .type('form')
      .send({ _csrf: admin.csrf, key: 'weather', value: 'rain', back: 'window=24h&next=https://evil.example' });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.location as string, 'http://x');
    expect(location.pathname).toBe('/models/shop/slices');
    expect([...location.searchParams.keys()].sort()).toEqual(['batch', 'window']);
    const after = await page('admin', `${location.pathname}${location.search}`);
    expect(decoded(after.text)).toMatch(/Queued \d+ of 100 examples of <strong>weather = rain<\/strong> for labeling\./);
  });

  it('refuses to queue without the CSRF token, or for a role other than admin', async () => {
    const admin = sessions.get('admin')!;
    const labeler = sessions.get('labeler')!;
    const form = { key: 'weather', value: 'rain' };
    await t.http().post('/models/shop/slices/labeling-batch').set('Cookie', admin.cookie).type('form').send(form).expect(403);
    await t
      .http()
      .post('/models/shop/slices/labeling-batch')
      .set('Cookie', labeler.cookie)
      .type('form')
      .send({ ...form, _csrf: labeler.csrf })
      .expect(403);
  });
});

describe('label-free estimates on the slices page', () => {
  const HOUR = 60 * MIN;
  const ESTIMATED = {
    classes: ['purchase', 'click'],
    sliceKeys: ['country'],
    labelRules: [
      { event: 'purchase', label: 'purchase', within: '7d', priority: 20 },
      { event: 'click', label: 'click', within: '7d', priority: 10 },
    ],
  };
  /** Predictions of purchase with score s, right with probability s − 0.25 (an overconfident model); `right` says which are. */
  function world(seed: number, n: number, countries: string[], at: number) {
    const random = new SeededRandom(seed);
    return Array.from({ length: n }, (_, i) => {
      const score = Math.round((0.55 + 0.44 * random.next()) * 1000) / 1000;
      const right = random.next() < score - 0.25;
      return {
        right,
        prediction: aPrediction({
          id: `est-${seed}-${i}`,
          model: 'est',
          timestamp: new Date(at + (i % 60) * 1000).toISOString(),
          features: { country: countries[i % countries.length] },
          prediction: 'purchase',
          scores: { purchase: score, click: Math.round((1 - score) * 1000) / 1000 },
        }),
      };
    });
  }
  const post = async (path: string, key: 'predictions' | 'events', rows: unknown[]) => {
    for (let i = 0; i < rows.length; i += 1000) {
      const res = await t
        .http()
        .post(path)
        .set('Authorization', ingest)
        .send({ [key]: rows.slice(i, i + 1000) });
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    }
  };
  /** The label-free cell of a row: [figure, lo, hi] in percent, or the cell's text when there is no figure. */
  function labelFreeOf(html: string, key: string, value: string): [number, number, number] | string {
    const at = html.indexOf(`<span class="slice-key">${key}</span> = <span class="slice-value">${value}</span>`);
    expect(at, `${key}=${value} on the page`).toBeGreaterThan(0);
    const cell = /data-testid="slice-label-free">([\s\S]*?)<\/td>/.exec(html.slice(at))![1];
    const m = /<strong class="acc">([\d.]+)%<\/strong><span class="ci">([\d.]+)–([\d.]+)%<\/span>/.exec(cell);
    return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : cell.replace(/<[^>]*>/g, '').trim();
  }

  it('shows the calibrated estimate beside realized accuracy, and a slice with predictions but no labels with its estimate', async () => {
    await registerModel(t.http, t.adminToken, 'est', ESTIMATED);
    const reader = `Bearer ${await t.tokenFor('labeler')}`;
    const now = Date.now();
    const labeled = world(1, 1200, ['de', 'fr'], now - 3 * HOUR);
    await post(
      '/api/v1/predictions',
      'predictions',
      labeled.map((w) => w.prediction),
    );
    await post(
      '/api/v1/events',
      'events',
      labeled.map((w) =>
        anEvent(w.prediction.id as string, {
          model: 'est',
          type: w.right ? 'purchase' : 'click',
          timestamp: new Date(now - 2 * HOUR).toISOString(),
        }),
      ),
    );
    await eventually(async () => {
      const res = await t.http().get('/api/v1/models/est/slices').set('Authorization', reader);
      expect((res.body as { overall: { n: number } }).overall.n).toBe(1200);
    }, 40_000);
    await t.app.get(EstimatesService).calibrate('est');
    // Italy's predictions have arrived; its labels have not.
    const italy = world(2, 600, ['it'], now - HOUR);
    await post(
      '/api/v1/predictions',
      'predictions',
      italy.map((w) => w.prediction),
    );
    const truth = (italy.filter((w) => w.right).length / italy.length) * 100;
    await eventually(async () => expect(await t.tables.count('monitoring_pending')).toBe(0), 30_000);

    const res = await page('labeler', '/models/est/slices');
    expect(res.status).toBe(200);
    expect(rowsOf(res.text)).toEqual(['country=de', 'country=fr', 'country=it']);
    const it = labelFreeOf(res.text, 'country', 'it');
    expect(Array.isArray(it), String(it)).toBe(true);
    const [estimate, lo, hi] = it as [number, number, number];
    expect(Math.abs(estimate - truth)).toBeLessThan(5);
    // Raw scores would say about 77%: the figure is the calibrated one.
    expect(estimate).toBeLessThan(62);
    expect(lo).toBeLessThan(estimate);
    expect(hi).toBeGreaterThan(estimate);
    expect(res.text).toMatch(
      /data-testid="slice-row" data-flagged="false" data-unlabeled="true">\s*<th scope="row" class="slice-name">\s*<span class="slice-key">country<\/span> = <span class="slice-value">it<\/span>/,
    );
    expect(decoded(res.text)).toContain('predictions, no labels yet');
    // The labeled slices carry both figures, the realized one from their labels.
    const reported = (await t.http().get('/api/v1/models/est/slices').set('Authorization', reader)).body as {
      slices: { value: string; accuracy: number }[];
    };
    for (const value of ['de', 'fr']) {
      const realized = reported.slices.find((s) => s.value === value)!.accuracy;
      const [figure] = labelFreeOf(res.text, 'country', value) as [number, number, number];
      expect(Math.abs(figure / 100 - realized)).toBeLessThan(0.06);
    }
    // The overall figure is the API's estimate of the same window, 1,800 predictions.
    const api = await t
      .http()
      .get(`/api/v1/models/est/estimated-performance?from=${new Date(now - 7 * 24 * HOUR).toISOString()}`)
      .set('Authorization', reader);
    expect(api.body.overall).toMatchObject({ n: 1800, calibrated: true });
    expect(res.text).toContain(`data-testid="overall-label-free">${(api.body.overall.estimatedAccuracy * 100).toFixed(1)}%</p>`);
    expect(decoded(res.text)).toContain('1,800 predictions · calibrated scores');
    expect(decoded(res.text)).toContain('1 slice has predictions but no labels yet.');
    // One version only: none of this model's predictions are v2.
    const v2 = await t.http().get('/api/v1/models/est/estimated-performance?version=v2').set('Authorization', reader);
    expect(v2.body.overall).toMatchObject({ n: 0, estimatedAccuracy: null });
  });

  it('says why a slice has no label-free figure, and shows the table on a model whose labels have not arrived', async () => {
    await registerModel(t.http, t.adminToken, 'fresh', ESTIMATED);
    const rows = world(3, 40, ['de'], Date.now() - 10 * MIN).map((w) => ({
      ...w.prediction,
      id: `fresh-${w.prediction.id as string}`,
      model: 'fresh',
    }));
    await post('/api/v1/predictions', 'predictions', [...rows, { ...rows[0], id: 'fresh-one-fr', features: { country: EVIL } }]);
    await eventually(async () => expect(await t.tables.count('monitoring_pending')).toBe(0), 30_000);
    const res = await page('labeler', '/models/fresh/slices');
    expect(res.text).toContain('No labels yet');
    expect(rowsOf(res.text)).toEqual([`country=${EVIL}`, 'country=de']);
    expect(res.text).not.toContain(EVIL);
    const de = labelFreeOf(res.text, 'country', 'de');
    expect(Array.isArray(de)).toBe(true);
    expect(labelFreeOf(res.text, 'country', '&lt;script&gt;alert(&quot;slice&quot;)&lt;/script&gt;')).toBe(
      'not estimable: 1 prediction, 30 needed',
    );
  });
});
