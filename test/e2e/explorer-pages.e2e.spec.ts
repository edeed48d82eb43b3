import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent } from '../factories/events.js';
import { registerModel } from '../factories/models.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { eventually } from '../support/eventually.js';
import { decodeHtml, openPage, signIn, type WebSession } from '../support/web.js';

const MIN = 60_000;
const N = 120;
const EVIL = '<img src=x onerror=alert(1)>';
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const BASE = Date.now() - 3 * 60 * MIN;

interface Seeded {
  id: string;
  ts: number;
  country: string;
  device: string;
  prediction: string;
  version: string;
  label: string | null;
  source: string | null;
}

/** The seeded log: every fifth prediction gets a purchase (a direct label), p-007 a manual "ignore". */
const SEED: Seeded[] = Array.from({ length: N }, (_, i) => ({
  id: `p-${String(i).padStart(3, '0')}`,
  ts: BASE - i * MIN,
  country: ['de', 'fr', 'us'][i % 3],
  device: i % 2 ? 'mobile' : 'desktop',
  prediction: i % 4 === 0 ? 'purchase' : 'click',
  version: i < 60 ? 'v2' : 'v1',
  label: i % 5 === 0 ? 'purchase' : i === 7 ? 'ignore' : null,
  source: i % 5 === 0 ? 'direct' : i === 7 ? 'manual' : null,
}));
/** Newest first, as the explorer lists them; the evil one is the newest of all. */
const ALL = [EVIL, ...SEED.map((s) => s.id)];

let t: TestApp;
let labeler: WebSession;
let admin: WebSession;

const decode = decodeHtml;
const idsOf = (html: string) => [...html.matchAll(/<tr data-id="([^"]*)">/g)].map((m) => decode(m[1]));
const nextOf = (html: string) => {
  const m = /<a href="([^"]*)" rel="next"/.exec(html);
  return m ? decode(m[1]) : null;
};

/** Every id the filter matches, following the explorer's next links. */
async function explore(query: string, session = labeler): Promise<string[]> {
  const ids: string[] = [];
  let path: string | null = `/models/shop/predictions${query ? `?${query}` : ''}`;
  for (let pages = 0; path && pages < 10; pages++) {
    const res = await openPage(t.http, session, path);
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    ids.push(...idsOf(res.text));
    path = nextOf(res.text);
  }
  return ids;
}

const expected = (keep: (s: Seeded) => boolean) => SEED.filter(keep).map((s) => s.id);
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16);

beforeAll(async () => {
  t = await startTestApp({ TRACE_URL_TEMPLATE: 'http://jaeger.test/trace/{traceId}?from=relabel' });
  const ingest = `Bearer ${await t.tokenFor('ingest')}`;
  await registerModel(t.http, t.adminToken, 'shop', {
    ...SHOP_MODEL,
    labelRules: [{ event: 'purchase', label: 'purchase', within: '7d', priority: 20 }],
  });
  const predictions = SEED.map((s) =>
    aPrediction({
      id: s.id,
      modelVersion: s.version,
      timestamp: new Date(s.ts).toISOString(),
      features: { price: 10, country: s.country, device: s.device, title: 'shoes' },
      prediction: s.prediction,
      scores:
        s.prediction === 'purchase' ? { purchase: 0.6, click: 0.3, ignore: 0.1 } : { purchase: 0.3, click: 0.6, ignore: 0.1 },
      exposure: { policy: 'model', propensity: 0.8 },
    }),
  );
  const post = (body: object, headers: Record<string, string> = {}) =>
    t.http().post('/api/v1/predictions').set('Authorization', ingest).set(headers).send(body);
  expect((await post({ predictions: predictions.slice(1) })).status).toBe(201);
  expect((await post(predictions[0], { traceparent: `00-${TRACE}-00f067aa0ba902b7-01` })).status).toBe(201);
  expect((await post(aPrediction({ id: EVIL, modelVersion: 'v3', timestamp: new Date(BASE + MIN).toISOString() }))).status).toBe(
    201,
  );
  const events = SEED.filter((s) => s.source === 'direct').map((s) =>
    anEvent(s.id, { type: 'purchase', timestamp: new Date(s.ts + MIN).toISOString() }),
  );
  expect((await t.http().post('/api/v1/events').set('Authorization', ingest).send({ events })).status).toBe(202);
  const labelerToken = await t.tokenFor('labeler');
  const manual = await t
    .http()
    .post('/api/v1/labels')
    .set('Authorization', `Bearer ${labelerToken}`)
    .send({ model: 'shop', predictionId: 'p-007', label: 'ignore' });
  expect(manual.status).toBe(201);
  labeler = await signIn(t.http, labelerToken);
  admin = await signIn(t.http, t.adminToken);
  await eventually(async () => {
    const res = await t.http().get('/api/v1/models/shop/slices').set('Authorization', `Bearer ${labelerToken}`);
    expect((res.body as { overall: { n: number } }).overall.n).toBe(SEED.filter((s) => s.label).length);
  }, 30_000);
});
afterAll(() => t?.close());

describe('/models/:model/predictions', () => {
  it('pages through every prediction newest first, each once, 50 to a page', async () => {
    const first = await openPage(t.http, labeler, '/models/shop/predictions');
    expect(idsOf(first.text)).toEqual(ALL.slice(0, 50));
    expect(await explore('')).toEqual(ALL);
  });

  it('escapes ids and values it shows', async () => {
    const res = await openPage(t.http, labeler, '/models/shop/predictions');
    expect(res.text).not.toContain(EVIL);
    expect(res.text).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
  });

  it.each([
    ['predicted=purchase', (s: Seeded) => s.prediction === 'purchase'],
    ['label=purchase', (s: Seeded) => s.label === 'purchase'],
    ['source=manual', (s: Seeded) => s.source === 'manual'],
    ['source=direct&predicted=click', (s: Seeded) => s.source === 'direct' && s.prediction === 'click'],
    ['disagree=on', (s: Seeded) => s.label !== null && s.label !== s.prediction],
    ['version=v1', (s: Seeded) => s.version === 'v1'],
    ['sliceKey=country&sliceValue=fr&sliceKey=device&sliceValue=', (s: Seeded) => s.country === 'fr'],
    [
      'sliceKey=country&sliceValue=us&sliceKey=device&sliceValue=mobile',
      (s: Seeded) => s.country === 'us' && s.device === 'mobile',
    ],
    [`from=${iso(BASE - 30 * MIN)}&to=${iso(BASE - 10 * MIN)}`, (s: Seeded) => s.ts >= BASE - 30 * MIN && s.ts < BASE - 10 * MIN],
  ])('filters by %s', async (query, keep) => {
    const want = expected(keep);
    expect(want.length).toBeGreaterThan(0);
    expect(await explore(query)).toEqual(want);
  });

  it('lists predictions without a label with source=none, across pages', async () => {
    expect(await explore('source=none')).toEqual([EVIL, ...expected((s) => s.label === null)]);
  });

  it('keeps the filters in the next page link', async () => {
    const res = await openPage(t.http, labeler, '/models/shop/predictions?version=v2');
    expect(nextOf(res.text)).toMatch(/^\/models\/shop\/predictions\?version=v2&after=/);
  });

  it('goes to the prediction a ?q= names, and says so when none has the id', async () => {
    const found = await openPage(t.http, labeler, '/models/shop/predictions?q=p-042');
    expect(found.status).toBe(303);
    expect(found.headers.location).toBe('/models/shop/predictions/p-042');
    const missing = await openPage(t.http, labeler, `/models/shop/predictions?q=${encodeURIComponent('<b>nope</b>')}`);
    expect(missing.status).toBe(200);
    expect(missing.text).toContain('No prediction of shop has the id <code>&lt;b&gt;nope&lt;/b&gt;</code>');
    expect(idsOf(missing.text)).toEqual([]);
  });

  it.each([
    ['after=not-a-cursor!', 'after'],
    [`after=${Buffer.from('["x"]').toString('base64url')}`, 'after'],
    ['from=2025-01-02T00:00&to=2025-01-01T00:00', 'to'],
    ['from=yesterday', 'from'],
    ['source=oracle', 'source'],
    ['sliceKey=country', 'sliceValue'],
  ])('answers %s with a 400 naming the field', async (query, field) => {
    const res = await openPage(t.http, labeler, `/models/shop/predictions?${query}`);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain(field);
  });

  it('is 404 for a model nobody registered', async () => {
    expect((await openPage(t.http, labeler, '/models/nope/predictions')).status).toBe(404);
  });
});

describe('/models/:model/predictions/:id', () => {
  it('follows a prediction from log to label on its timeline', async () => {
    const res = await openPage(t.http, labeler, '/models/shop/predictions/p-010');
    expect(res.status).toBe(200);
    const kinds = [...res.text.matchAll(/<li data-kind="([a-z]+)">/g)].map((m) => m[1]);
    expect(kinds).toEqual(['logged', 'event', 'label', 'effective']);
    expect(res.text).toContain('Effective label none → purchase (direct)');
    expect(res.text).toMatch(/data-testid="effective-label"><span class="badge badge-disagree">purchase<\/span> from direct/);
  });

  it('links the trace id through TRACE_URL_TEMPLATE', async () => {
    const res = await openPage(t.http, labeler, '/models/shop/predictions/p-000');
    expect(decode(res.text)).toContain(`<a href="http://jaeger.test/trace/${TRACE}?from=relabel" rel="noopener">${TRACE}</a>`);
  });

  it('shows features, scores, uncertainty and exposure, escaped', async () => {
    const res = await openPage(t.http, labeler, `/models/shop/predictions/${encodeURIComponent(EVIL)}`);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain(EVIL);
    const p7 = await openPage(t.http, labeler, '/models/shop/predictions/p-007');
    expect(p7.text).toContain('<dt>Propensity</dt><dd>0.8</dd>');
    expect(p7.text).toMatch(/<th><strong>click<\/strong><\/th><td class="num">60.0%<\/td>/);
    expect(p7.text).toContain('Label ignore (manual)');
  });

  it('is 404 for an id nothing has', async () => {
    expect((await openPage(t.http, labeler, '/models/shop/predictions/none-such')).status).toBe(404);
  });
});

describe('home, navigation and settings', () => {
  it('lists the model with its figures and the pages a labeler may open', async () => {
    const res = await openPage(t.http, labeler, '/');
    const row = /<tr id="model-shop"[\s\S]*?<\/tr>/.exec(res.text)?.[0] ?? '';
    expect(row).toContain(`<td class="num" data-cell="labeled">${((25 / 121) * 100).toFixed(1)}%</td>`);
    expect(row).toContain('<td class="num" data-cell="accuracy">');
    expect(row).toContain('href="/models/shop/predictions"');
    expect(row).toContain('href="/models/shop/settings"');
    expect(row).toContain('href="/models/shop/slices"');
    expect(row).not.toContain('/models/shop/exports');
    expect(row).not.toContain('data-cell="export"');
  });

  it('gives admins the exports page and the latest export cell', async () => {
    const row = /<tr id="model-shop"[\s\S]*?<\/tr>/.exec((await openPage(t.http, admin, '/')).text)?.[0] ?? '';
    expect(row).toContain('href="/models/shop/exports"');
    expect(row).toContain('data-cell="export"');
  });

  it('keeps the model in the navigation of its pages, the current page marked', async () => {
    const res = await openPage(t.http, labeler, '/models/shop/settings');
    const nav = /<nav class="model-nav"[\s\S]*?<\/nav>/.exec(res.text)?.[0] ?? '';
    expect(nav).toContain('>shop</a>');
    expect(nav).toContain('<a href="/models/shop/settings" aria-current="page" class="current">Settings</a>');
    expect(nav).toContain('<a href="/labeling/shop">Labeling</a>');
    expect(nav).not.toContain('Exports');
  });

  it('shows every settings section read-only with a link to its docs', async () => {
    const res = await openPage(t.http, labeler, '/models/shop/settings');
    for (const section of ['classes', 'sliceKeys', 'labelRules', 'labeling', 'alerts', 'feedback', 'exports'])
      expect(res.text).toContain(`href="/static/docs/model-settings.html#${section}"`);
    expect(res.text.slice(res.text.indexOf('<main'))).not.toContain('<form');
    const docs = await t.http().get('/static/docs/model-settings.html');
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('id="labelRules"');
  });
});
