import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = `Bearer ${t.adminToken}`;
});
afterAll(() => t.close());

describe('model registry', () => {
  it('creates a model (201), replaces it (200, revision 2) and fills every settings section with defaults', async () => {
    const created = await t.http().put('/api/v1/models/reco').set('Authorization', admin).send(SHOP_MODEL);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'reco',
      classes: SHOP_MODEL.classes,
      sliceKeys: ['country', 'device'],
      revision: 1,
    });
    expect(created.body.labelSourceOrder).toEqual(['manual', 'audit', 'direct', 'weak', 'implicit']);
    expect(created.body.labeling).toEqual({ leaseTtl: '10m', labelsPerItem: 1, auditFraction: 0.1 });
    expect(created.body.alerts.minSupport).toBe(30);

    const updated = await t
      .http()
      .put('/api/v1/models/reco')
      .set('Authorization', admin)
      .send({
        ...SHOP_MODEL,
        labeling: { auditFraction: 0.2 },
        labelRules: [{ event: 'purchase', label: 'purchase', within: '7d', priority: 20 }],
      });
    expect(updated.status).toBe(200);
    expect(updated.body.revision).toBe(2);
    expect(updated.body.labeling).toEqual({ leaseTtl: '10m', labelsPerItem: 1, auditFraction: 0.2 });
    expect(updated.body.labelRules).toEqual([{ event: 'purchase', label: 'purchase', within: '7d', priority: 20 }]);

    const fetched = await t.http().get('/api/v1/models/reco').set('Authorization', admin);
    expect(fetched.status).toBe(200);
    expect(fetched.body.revision).toBe(2);
    const list = await t.http().get('/api/v1/models').set('Authorization', admin);
    expect(list.body.models.map((m: { name: string }) => m.name)).toContain('reco');
  });

  it('answers 404 for an unknown model', async () => {
    const res = await t.http().get('/api/v1/models/nope').set('Authorization', admin);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ statusCode: 404, message: 'model_not_found' });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['one class', { classes: ['a'] }, 'classes'],
    ['101 classes', { classes: Array.from({ length: 101 }, (_, i) => `c${i}`) }, 'classes'],
    ['duplicate classes', { classes: ['a', 'a'] }, 'classes'],
    ['a cross over an undeclared key', { classes: ['a', 'b'], sliceKeys: ['x'], sliceCrosses: [['x', 'y']] }, 'sliceCrosses.0'],
    [
      'a rule labelling an unknown class',
      { classes: ['a', 'b'], labelRules: [{ event: 'click', label: 'c', within: '30m', priority: 1 }] },
      'labelRules.0.label',
    ],
    [
      'a rule with a bad window',
      { classes: ['a', 'b'], labelRules: [{ event: 'click', label: 'a', within: 'soon', priority: 1 }] },
      'labelRules.0.within',
    ],
    [
      'a bad rule condition',
      {
        classes: ['a', 'b'],
        labelRules: [{ event: 'dwell', label: 'a', within: '1h', priority: 1, when: { op: '~', value: 3 } }],
      },
      'labelRules.0.when.op',
    ],
    [
      'an implicit label outside the classes',
      { classes: ['a', 'b'], implicitLabel: { label: 'z', after: '30m' } },
      'implicitLabel.label',
    ],
    ['an unknown label source', { classes: ['a', 'b'], labelSourceOrder: ['manual', 'oracle'] }, 'labelSourceOrder'],
    [
      'a feature schema with an unknown type',
      { classes: ['a', 'b'], featureSchema: { price: { type: 'money' } } },
      'featureSchema.price.type',
    ],
    [
      'a category feature without values',
      { classes: ['a', 'b'], featureSchema: { c: { type: 'category', values: [] } } },
      'featureSchema.c.values',
    ],
    ['an audit fraction above 1', { classes: ['a', 'b'], labeling: { auditFraction: 1.5 } }, 'labeling.auditFraction'],
    ['an unknown field', { classes: ['a', 'b'], colour: 'red' }, 'colour'],
  ])('rejects %s with 400 naming the field', async (_, body, field) => {
    const res = await t.http().put('/api/v1/models/bad').set('Authorization', admin).send(body);
    expect(res.status).toBe(400);
    expect(res.body.details).toContainEqual(expect.objectContaining({ field }));
    const stored = await t.http().get('/api/v1/models/bad').set('Authorization', admin);
    expect(stored.status).toBe(404);
  });

  it('rejects a model name with a slash-like or space character', async () => {
    const res = await t.http().put('/api/v1/models/has%20space').set('Authorization', admin).send(SHOP_MODEL);
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('invalid_model_name');
  });

  it('refuses to drop a class that stored predictions use, unless forced', async () => {
    await t.http().put('/api/v1/models/shop').set('Authorization', admin).send(SHOP_MODEL);
    const ingest = await t.tokenFor('ingest');
    const logged = await t
      .http()
      .post('/api/v1/predictions')
      .set('Authorization', `Bearer ${ingest}`)
      .send(aPrediction({ prediction: 'ignore' }));
    expect(logged.status).toBe(201);
    const withoutIgnore = { ...SHOP_MODEL, classes: ['purchase', 'click'] };
    const refused = await t.http().put('/api/v1/models/shop').set('Authorization', admin).send(withoutIgnore);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ message: 'classes_in_use', details: { classes: ['ignore'] } });
    const forced = await t
      .http()
      .put('/api/v1/models/shop')
      .set('Authorization', admin)
      .send({ ...withoutIgnore, force: true });
    expect(forced.status).toBe(200);
    expect(forced.body.classes).toEqual(['purchase', 'click']);
  });

  it('lets only admins change models, labelers read them, and ingest tokens do neither', async () => {
    const labeler = `Bearer ${await t.tokenFor('labeler')}`;
    const ingest = `Bearer ${await t.tokenFor('ingest')}`;
    const put = (auth: string) => t.http().put('/api/v1/models/other').set('Authorization', auth).send(SHOP_MODEL);
    expect((await put(labeler)).status).toBe(403);
    expect((await put(ingest)).status).toBe(403);
    expect((await t.http().get('/api/v1/models').set('Authorization', labeler)).status).toBe(200);
    expect((await t.http().get('/api/v1/models').set('Authorization', ingest)).status).toBe(403);
    expect((await t.http().get('/api/v1/models')).status).toBe(401);
  });
});
