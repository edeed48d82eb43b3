import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerModel } from '../factories/models.js';
import { aPrediction } from '../factories/predictions.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { sleep } from '../support/eventually.js';

let t: TestApp;
let ingest: string;
let admin: string;

beforeAll(async () => {
  t = await startTestApp({ BODY_LIMIT_MB: '1' });
  admin = `Bearer ${t.adminToken}`;
  await registerModel(t.http, t.adminToken);
  ingest = `Bearer ${await t.tokenFor('ingest')}`;
});
afterAll(() => t.close());

const post = (body: unknown) =>
  t
    .http()
    .post('/api/v1/predictions')
    .set('Authorization', ingest)
    .send(body as object);
const fetchPrediction = (id: string) =>
  t
    .http()
    .get(`/api/v1/models/shop/predictions/${encodeURIComponent(id)}`)
    .set('Authorization', admin);

describe('prediction log', () => {
  it('stores one prediction with its uncertainty, slices and exposure, readable by id', async () => {
    const p = aPrediction({ exposure: { policy: 'model', propensity: 0.5, shown: true }, itemId: 'sku-1' });
    const res = await post(p);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ accepted: 1, duplicates: 0 });
    const got = await fetchPrediction(p.id as string);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      id: p.id,
      model: 'shop',
      modelVersion: 'v1',
      timestamp: p.timestamp,
      features: p.features,
      prediction: 'click',
      scores: p.scores,
      slices: { country: 'de', device: 'mobile' },
      exposure: { policy: 'model', propensity: 0.5, shown: true },
      itemId: 'sku-1',
      events: [],
      labels: [],
      effectiveLabel: null,
    });
    expect(got.body.uncertainty.leastConfidence).toBeCloseTo(0.5);
    expect(got.body.uncertainty.margin).toBeCloseTo(0.2);
    expect(got.body.uncertainty.entropy).toBeCloseTo(-(0.2 * Math.log(0.2) + 0.5 * Math.log(0.5) + 0.3 * Math.log(0.3)));
  });

  it('stores a batch of 1,000 and counts an identical re-send as duplicates', async () => {
    const batch = Array.from({ length: 1000 }, () => aPrediction());
    const first = await post({ predictions: batch });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ accepted: 1000, duplicates: 0 });
    const again = await post({ predictions: batch });
    expect(again.status).toBe(201);
    expect(again.body).toEqual({ accepted: 0, duplicates: 1000 });
  });

  it('treats a re-send without timestamp as a duplicate even though "now" moved', async () => {
    const p = aPrediction({ timestamp: undefined });
    expect((await post(p)).body).toEqual({ accepted: 1, duplicates: 0 });
    await sleep(5);
    expect((await post(p)).body).toEqual({ accepted: 0, duplicates: 1 });
  });

  it('answers 409 listing the ids when an id is re-sent with other content, and stores nothing of the batch', async () => {
    const stored = aPrediction();
    await post(stored);
    const fresh = aPrediction();
    const res = await post({ predictions: [fresh, { ...stored, prediction: 'purchase' }] });
    expect(res.status).toBe(409);
    expect(res.body.details.ids).toEqual([{ model: 'shop', id: stored.id }]);
    expect((await fetchPrediction(fresh.id as string)).status).toBe(404);
    expect((await fetchPrediction(stored.id as string)).body.prediction).toBe('click');
  });

  it('answers 409 for the same id twice in one batch with different content', async () => {
    const p = aPrediction();
    const res = await post({ predictions: [p, { ...p, modelVersion: 'v2' }] });
    expect(res.status).toBe(409);
    expect((await fetchPrediction(p.id as string)).status).toBe(404);
  });

  it('rejects a batch with one bad row with 400 naming index and field, and stores none of it', async () => {
    const good = aPrediction();
    const res = await post({ predictions: [good, aPrediction(), aPrediction({ prediction: 'unknown-class' })] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(res.body.details).toEqual([{ index: 2, field: 'prediction', message: expect.stringContaining('unknown-class') }]);
    expect((await fetchPrediction(good.id as string)).status).toBe(404);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an unknown model', { model: 'ghost' }, 'model'],
    ['scores over an unknown class', { scores: { purchase: 0.5, click: 0.3, maybe: 0.2 } }, 'scores.maybe'],
    ['a timestamp more than 5 minutes ahead', { timestamp: new Date(Date.now() + 10 * 60_000).toISOString() }, 'timestamp'],
    ['a feature outside its schema', { features: { price: -3, country: 'de', device: 'mobile' } }, 'features.price'],
    ['a wrong type', { modelVersion: 3 }, 'modelVersion'],
  ])('rejects %s with 400 naming the field', async (_, overrides, field) => {
    const p = aPrediction(overrides);
    const res = await post(p);
    expect(res.status).toBe(400);
    expect(res.body.details).toContainEqual(expect.objectContaining({ index: 0, field }));
  });

  it('rejects numbers that JSON turns into Infinity', async () => {
    const p = aPrediction();
    const text = JSON.stringify(p).replace('"purchase":0.2', '"purchase":1e400');
    const res = await t
      .http()
      .post('/api/v1/predictions')
      .set('Authorization', ingest)
      .set('Content-Type', 'application/json')
      .send(text);
    expect(res.status).toBe(400);
    expect(res.body.details).toContainEqual(expect.objectContaining({ field: 'scores.purchase' }));
  });

  it('answers 400 for malformed JSON', async () => {
    const res = await t
      .http()
      .post('/api/v1/predictions')
      .set('Authorization', ingest)
      .set('Content-Type', 'application/json')
      .send('{"id": "x", NaN}');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, message: expect.stringContaining('malformed JSON') });
  });

  it('answers 413 for a body over the size limit', async () => {
    const huge = aPrediction({ features: { title: 'x'.repeat(1_200_000) } });
    const res = await post(huge);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ statusCode: 413 });
  });

  it('answers 400 for more than 10,000 rows', async () => {
    const row = { id: 'x' };
    const res = await post({ predictions: new Array(10_001).fill(row) });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'predictions' })]);
  });

  it('reads the trace id from a W3C traceparent header', async () => {
    const p = aPrediction();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await t
      .http()
      .post('/api/v1/predictions')
      .set('Authorization', ingest)
      .set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`)
      .send(p);
    expect(res.status).toBe(201);
    expect((await fetchPrediction(p.id as string)).body.traceId).toBe(traceId);
  });

  it('lets only the ingest role (and admins) log predictions', async () => {
    const labeler = await t.tokenFor('labeler');
    expect(
      (await t.http().post('/api/v1/predictions').set('Authorization', `Bearer ${labeler}`).send(aPrediction())).status,
    ).toBe(403);
    expect((await t.http().post('/api/v1/predictions').send(aPrediction())).status).toBe(401);
    expect((await t.http().post('/api/v1/predictions').set('Authorization', admin).send(aPrediction())).status).toBe(201);
  });

  it('answers 404 for an unknown prediction or model', async () => {
    expect((await fetchPrediction('never-logged')).body).toMatchObject({ statusCode: 404, message: 'prediction_not_found' });
    const res = await t.http().get('/api/v1/models/ghost/predictions/x').set('Authorization', admin);
    expect(res.body).toMatchObject({ statusCode: 404, message: 'model_not_found' });
  });

  it('counts stored rows in /metrics', async () => {
    await post({ predictions: [aPrediction(), aPrediction()] });
    const res = await t.http().get('/metrics').set('Authorization', admin);
    expect(res.status).toBe(200);
    const line = res.text.split('\n').find((l) => l.startsWith('relabel_predictions_ingested_total{model="shop"}'));
    expect(Number(line?.split(' ')[1])).toBeGreaterThanOrEqual(2);
    expect(res.text).toContain('relabel_http_request_duration_seconds_bucket');
  });
});
