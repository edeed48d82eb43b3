import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent } from '../factories/events.js';
import { registerModel } from '../factories/models.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
let admin: string;

beforeAll(async () => {
  t = await startTestApp();
  admin = `Bearer ${t.adminToken}`;
});
afterAll(() => t?.close());

const RULE = { event: 'click', label: 'click', within: '30m', priority: 10 };

function putModel(name: string, body: Record<string, unknown>) {
  return t
    .http()
    .put(`/api/v1/models/${name}`)
    .set('Authorization', admin)
    .send({ ...SHOP_MODEL, labelRules: [RULE], ...body });
}

describe('duration settings', () => {
  it.each([
    ['labeling.leaseTtl', { labeling: { leaseTtl: '367d' } }],
    ['labeling.leaseTtl', { labeling: { leaseTtl: '99999999999999999999w' } }],
    ['labelRules.0.within', { labelRules: [{ ...RULE, within: '9000000000000000d' }] }],
    ['implicitLabel.after', { implicitLabel: { label: 'ignore', after: '53w' } }],
    ['eventRetention', { eventRetention: '8785h' }],
    ['eventGrace', { eventGrace: '31622400001ms' }],
    ['alerts.baselineWindow', { alerts: { baselineWindow: '400d' } }],
  ])('beyond 366 days are a 400 naming %s', async (field, body) => {
    const res = await putModel('too-long', body);
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([{ field, message: expect.stringContaining('at most 366d') as unknown }]);
  });

  it('up to 366 days are accepted and work: leases, joins and windows stay 2xx', async () => {
    await registerModel(t.http, t.adminToken, 'longest', {
      ...SHOP_MODEL,
      labelRules: [{ ...RULE, within: '366d' }],
      implicitLabel: { label: 'ignore', after: '52w' },
      eventRetention: '366d',
      eventGrace: '8784h',
      labeling: { leaseTtl: '366d' },
      alerts: { baselineWindow: '366d' },
    });
    const p = aPrediction({ model: 'longest' });
    await t.http().post('/api/v1/predictions').set('Authorization', admin).send(p).expect(201);
    await t
      .http()
      .post('/api/v1/events')
      .set('Authorization', admin)
      .send(anEvent(p.id as string, { model: 'longest' }))
      .expect(202);
    await t
      .http()
      .post('/api/v1/models/longest/labeling-batches')
      .set('Authorization', admin)
      .send({ size: 1, strategy: 'margin' })
      .expect(201);
    const lease = await t.http().get('/api/v1/models/longest/labeling/next').set('Authorization', admin);
    expect(lease.status).toBe(200);
    expect(Date.parse(lease.body.leaseExpiresAt as string)).toBeGreaterThan(Date.now() + 365 * 86_400_000);
    expect(
      (
        await t
          .http()
          .get(`/api/v1/models/longest/predictions/${p.id as string}`)
          .set('Authorization', admin)
      ).status,
    ).toBe(200);
    expect((await t.http().get('/api/v1/models/longest/slices').set('Authorization', admin)).status).toBe(200);
    expect((await t.http().get('/api/v1/models/longest/alerts').set('Authorization', admin)).status).toBe(200);
  });
});
