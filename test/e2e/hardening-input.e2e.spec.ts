import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerModel } from '../factories/models.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { postForm, signIn } from '../support/web.js';

/** Client mistakes that used to be 500s, stalls or unbounded answers (issue 12). Each is a 4xx naming the field. */
let t: TestApp;
let admin: string;
let ingest: string;
let labeler: string;

beforeAll(async () => {
  t = await startTestApp();
  admin = `Bearer ${t.adminToken}`;
  await registerModel(t.http, t.adminToken, 'shop', SHOP_MODEL);
  // Slices taken from a free-text feature: the way a NUL or a 10,000-character value reached slice_cells.
  await registerModel(t.http, t.adminToken, 'city', { classes: ['a', 'b'], sliceKeys: ['city', 'constructor'] });
  ingest = `Bearer ${await t.tokenFor('ingest')}`;
  labeler = `Bearer ${await t.tokenFor('labeler')}`;
});
afterAll(() => t.close());

const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const fields = (body: { details?: { field: string }[] }) => (body.details ?? []).map((d) => d.field);

describe('deeply nested JSON', () => {
  it.each([
    ['/api/v1/labels', labelerAuth],
    ['/api/v1/tokens', adminAuth],
    ['/api/v1/predictions', ingestAuth],
  ])('is a 400 naming the body on %s, not a 500 from class-transformer', async (route, auth) => {
    const res = await t.http().post(route).set('Authorization', auth()).type('json').send(nested(6000));
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/deeper than 32 levels/);
    expect(fields(res.body)).toEqual(['body']);
  });

  it('is a 400 on the login form too', async () => {
    const res = await t.http().post('/login').type('json').send(nested(6000));
    expect(res.status).toBe(400);
  });
});

function labelerAuth() {
  return labeler;
}
function adminAuth() {
  return admin;
}
function ingestAuth() {
  return ingest;
}

describe('dates IsISO8601 accepted but Date.parse cannot read', () => {
  const odd = ['2026-W05', '2026-032', '20260101', '2026-01-01T10', '2026-02-30'];

  it.each(odd)('%s is a 400 naming "from" on the feedback report, slices and a labeling batch', async (date) => {
    const q = `from=${encodeURIComponent(date)}`;
    for (const path of [`/api/v1/models/shop/feedback-report?${q}`, `/api/v1/models/shop/slices?${q}`]) {
      const res = await t.http().get(path).set('Authorization', admin);
      expect(res.status, path).toBe(400);
      expect(fields(res.body), path).toContain('from');
    }
    const batch = await t
      .http()
      .post('/api/v1/models/shop/labeling-batches')
      .set('Authorization', admin)
      .send({ size: 5, filters: { from: date } });
    expect(batch.status).toBe(400);
    expect(fields(batch.body)).toContain('filters.from');
  });

  it.each(odd)('%s is a 400 naming "from" on an export request', async (date) => {
    const res = await t
      .http()
      .post('/api/v1/models/shop/exports')
      .set('Authorization', admin)
      .send({ format: 'csv', from: date, mitigation: 'none' });
    expect(res.status).toBe(400);
    expect(fields(res.body)).toContain('from');
  });

  it('month 13 on the exports form is a 400, not a queued export over an invalid date', async () => {
    const session = await signIn(t.http, t.adminToken);
    const res = await postForm(t.http, session, '/models/shop/exports', {
      format: 'csv',
      mitigation: 'none',
      from: '2026-13-01',
    }).set('Accept', 'text/html');
    expect(res.status).toBe(400);
    expect(await t.tables.count('exports')).toBe(0);
  });
});

describe('text PostgreSQL cannot store, or slice_cells cannot hold', () => {
  const city = (features: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    aPrediction({ model: 'city', features, prediction: 'a', scores: { a: 0.6, b: 0.4 }, ...extra });

  it.each([
    ['a NUL in modelVersion', aPrediction({ modelVersion: 'v\u00001' }), 'modelVersion'],
    ['a NUL in itemId', aPrediction({ itemId: 'sku\u0000' }), 'itemId'],
    ['a NUL in a given slice value', aPrediction({ slices: { country: 'd\u0000e' } }), 'slices.country'],
    ['a NUL in a slice value taken from features', city({ city: 'Ber\u0000lin' }), 'features.city'],
    ['a slice value over 200 characters taken from features', city({ city: 'x'.repeat(201) }), 'features.city'],
  ])('%s is a 400 naming the field, and nothing of the batch is stored', async (_, bad, field) => {
    const good = aPrediction();
    const res = await t
      .http()
      .post('/api/v1/predictions')
      .set('Authorization', ingest)
      .send({ predictions: [good, bad] });
    expect(res.status).toBe(400);
    expect(res.body.details).toContainEqual(expect.objectContaining({ index: 1, field }));
    expect(await t.tables.count('predictions', 'id = ?', [good.id])).toBe(0);
  });

  it('a NUL in an event id or a query parameter is a 400', async () => {
    const event = { id: 'e\u00001', model: 'shop', predictionId: 'p1', type: 'click' };
    const res = await t.http().post('/api/v1/events').set('Authorization', ingest).send(event);
    expect(res.status).toBe(400);
    expect(fields(res.body)).toContain('id');
    const query = await t.http().get('/api/v1/models/shop/slices?version=v%001').set('Authorization', admin);
    expect(query.status).toBe(400);
    expect(fields(query.body)).toEqual(['version']);
    const path = await t.http().get('/api/v1/models/shop/predictions/p%00').set('Authorization', admin);
    expect(path.status).toBe(400);
  });

  it('a NUL in a label is a 400 naming the field', async () => {
    const res = await t
      .http()
      .post('/api/v1/labels')
      .set('Authorization', labeler)
      .send({ model: 'shop', predictionId: 'p1', label: 'cl\u0000ick' });
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual(['label']);
  });

  it('a slice key named constructor reads only the prediction, not Object.prototype', async () => {
    const p = city({ city: 'Berlin' });
    expect((await t.http().post('/api/v1/predictions').set('Authorization', ingest).send(p)).status).toBe(201);
    const got = await t
      .http()
      .get(`/api/v1/models/city/predictions/${p.id as string}`)
      .set('Authorization', admin);
    expect(got.body.slices).toEqual({ city: 'Berlin' });
  });
});

describe('answers stay small whatever the body', () => {
  it('lists at most 100 details, says how many it left out, and reports unknown fields a few per row', async () => {
    const extra = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`f${i}`, i]));
    const predictions = Array.from({ length: 200 }, () => aPrediction(extra));
    const res = await t.http().post('/api/v1/predictions').set('Authorization', ingest).send({ predictions });
    expect(res.status).toBe(400);
    expect(res.body.details).toHaveLength(100);
    expect(res.body.detailsOmitted).toBe(200 * 6 - 100);
    expect(res.body.details[5]).toEqual({ index: 0, field: '', message: '995 more unknown fields' });
    expect(res.body.message.length).toBeLessThan(2100);
    expect(JSON.stringify(res.body).length).toBeLessThan(20_000);
  });
});

describe('body limits before authentication', () => {
  const big = JSON.stringify({ predictions: [aPrediction({ features: { title: 'x'.repeat(3 * 1024 * 1024) } })] });

  // Over the 16 MB ingest limit: read first, it would be a 413; judged first, it is a 401 or 403.
  const huge = JSON.stringify({ predictions: [aPrediction({ features: { title: 'x'.repeat(17 * 1024 * 1024) } })] });

  it('refuses a large ingest body from an anonymous caller with 401, before reading it', async () => {
    const res = await t.http().post('/api/v1/predictions').type('json').send(huge);
    expect(res.status).toBe(401);
  });

  it('refuses a large ingest body from a labeler with 403, before reading it', async () => {
    const res = await t.http().post('/api/v1/events').set('Authorization', labeler).type('json').send(huge);
    expect(res.status).toBe(403);
  });

  it('takes at most 1 MB on every other route', async () => {
    const res = await t.http().post('/api/v1/labels').set('Authorization', labeler).type('json').send(big);
    expect(res.status).toBe(413);
    const login = await t.http().post('/login').type('json').send(big);
    expect(login.status).toBe(413);
  });

  it('still takes a 3 MB batch from an ingest token', async () => {
    const res = await t.http().post('/api/v1/predictions').set('Authorization', ingest).type('json').send(big);
    expect(res.status).toBe(201);
  });
});

describe('inputs the fuzz suite found', () => {
  it('refuses a URL over 8 KB with 414 naming the url, before any redirect could echo it', async () => {
    const res = await t
      .http()
      .get(`/models/shop/settings?x=${'y'.repeat(10_000)}`)
      .set('Authorization', labeler)
      .set('Accept', 'text/html');
    expect(res.status).toBe(414);
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'url' })]);
  });

  it('takes featureSchema: null as "no schema" instead of a 500', async () => {
    const res = await t
      .http()
      .put('/api/v1/models/null-schema')
      .set('Authorization', admin)
      .send({ classes: ['a', 'b'], featureSchema: null });
    expect(res.status).toBe(201);
    expect(res.body.featureSchema ?? null).toBeNull();
  });
});
