import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent, SHOP_RULES } from '../factories/events.js';
import { registerModel } from '../factories/models.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { eventually, sleep } from '../support/eventually.js';

let t: TestApp;
let ingest: string;
let labeler: string;
let admin: string;
const MIN = 60_000;

beforeAll(async () => {
  t = await startTestApp();
  admin = `Bearer ${t.adminToken}`;
  // A short grace, so that windows of predictions logged "in the past" close within the test.
  await registerModel(t.http, t.adminToken, 'shop', { ...SHOP_MODEL, ...SHOP_RULES, eventGrace: '1s' });
  await registerModel(t.http, t.adminToken, 'history', { ...SHOP_MODEL, ...SHOP_RULES });
  ingest = `Bearer ${await t.tokenFor('ingest')}`;
  labeler = `Bearer ${await t.tokenFor('labeler', 'alice')}`;
});
afterAll(() => t.close());

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const postPrediction = (p: Record<string, unknown>) => t.http().post('/api/v1/predictions').set('Authorization', ingest).send(p);
const postEvents = (events: Record<string, unknown>[]) =>
  t.http().post('/api/v1/events').set('Authorization', ingest).send({ events });
const getPrediction = async (id: string) => {
  const res = await t.http().get(`/api/v1/models/shop/predictions/${id}`).set('Authorization', admin);
  expect(res.status).toBe(200);
  return res.body as {
    effectiveLabel: { label: string; source: string } | null;
    labels: { label: string; source: string; eventIds: string[]; by: string; final: boolean }[];
    events: { id: string; state: string }[];
  };
};
const effectiveOf = (id: string, expected: { label: string; source: string } | null) =>
  eventually(async () => {
    const p = await getPrediction(id);
    expect(p.effectiveLabel).toEqual(expected);
    return p;
  });
const outboxRows = (id: string) =>
  t.tables.all<{ new_label: string | null; new_source: string | null }>(
    'SELECT new_label, new_source FROM label_changes WHERE model = ? AND prediction_id = ? ORDER BY seq',
    ['shop', id],
  );

describe('labels from behaviour events', () => {
  it('turns a click inside its window into a direct label with provenance', async () => {
    const p = aPrediction({ timestamp: ago(10 * MIN) });
    await postPrediction(p);
    const click = anEvent(p.id as string, { timestamp: ago(5 * MIN) });
    const res = await postEvents([click]);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 1, duplicates: 0, joined: 1, pending: 0 });
    const got = await effectiveOf(p.id as string, { label: 'click', source: 'direct' });
    expect(got.labels).toEqual([
      expect.objectContaining({
        label: 'click',
        source: 'direct',
        eventIds: [click.id],
        final: false,
        by: expect.stringContaining('click within 30m'),
      }),
    ]);
    expect(got.events).toEqual([expect.objectContaining({ id: click.id, state: 'applied' })]);
  });

  it('gives the implicit label when the window passes with no event', async () => {
    const p = aPrediction({ timestamp: ago(40 * MIN) });
    await postPrediction(p);
    const got = await effectiveOf(p.id as string, { label: 'ignore', source: 'implicit' });
    expect(got.labels).toEqual([expect.objectContaining({ source: 'implicit', eventIds: [], final: true })]);
  });

  it('gives no implicit label to a prediction that was not shown', async () => {
    const hidden = aPrediction({ timestamp: ago(40 * MIN), exposure: { policy: 'model', propensity: 0.5, shown: false } });
    const shown = aPrediction({ timestamp: ago(40 * MIN) });
    await postPrediction({ predictions: [hidden, shown] } as never);
    await effectiveOf(shown.id as string, { label: 'ignore', source: 'implicit' });
    expect((await getPrediction(hidden.id as string)).labels).toEqual([]);
  });

  it('joins an event that arrives before its prediction once the prediction comes', async () => {
    const p = aPrediction({ timestamp: ago(3 * MIN) });
    const early = anEvent(p.id as string, { timestamp: ago(MIN) });
    const res = await postEvents([early]);
    expect(res.body).toEqual({ accepted: 1, duplicates: 0, joined: 0, pending: 1 });
    await postPrediction(p);
    await effectiveOf(p.id as string, { label: 'click', source: 'direct' });
  });

  it('joins an event that waited hours for its prediction, when the prediction comes', async () => {
    const p = aPrediction({ timestamp: ago(3 * MIN) });
    const early = anEvent(p.id as string, { timestamp: ago(MIN) });
    expect((await postEvents([early])).body).toMatchObject({ pending: 1 });
    await t.tables.run('UPDATE events SET received_at = ? WHERE id = ?', [Date.now() - 3 * 60 * MIN, early.id]);
    await postPrediction(p);
    await effectiveOf(p.id as string, { label: 'click', source: 'direct' });
  });

  it('stores a late event but changes no label', async () => {
    const p = aPrediction({ timestamp: ago(35 * MIN) });
    await postPrediction(p);
    const late = anEvent(p.id as string, { timestamp: ago(0) });
    await postEvents([late]);
    const got = await eventually(async () => {
      const q = await getPrediction(p.id as string);
      expect(q.events).toEqual([expect.objectContaining({ id: late.id, state: 'late' })]);
      return q;
    });
    expect(got.labels.every((l) => l.source !== 'direct')).toBe(true);
  });

  it('lets a purchase override a click, keeping both events as evidence, with one outbox row per change', async () => {
    const p = aPrediction({ timestamp: ago(20 * MIN) });
    await postPrediction(p);
    const click = anEvent(p.id as string, { timestamp: ago(15 * MIN) });
    await postEvents([click]);
    await effectiveOf(p.id as string, { label: 'click', source: 'direct' });
    const purchase = anEvent(p.id as string, { type: 'purchase', timestamp: ago(10 * MIN) });
    await postEvents([purchase]);
    const got = await effectiveOf(p.id as string, { label: 'purchase', source: 'direct' });
    expect(got.labels).toEqual([expect.objectContaining({ label: 'purchase', eventIds: [click.id, purchase.id] })]);
    const secondClick = anEvent(p.id as string, { timestamp: ago(5 * MIN) });
    await postEvents([secondClick]);
    await eventually(async () => {
      const q = await getPrediction(p.id as string);
      expect(q.events.find((e) => e.id === secondClick.id)?.state).toBe('matched');
    });
    expect((await getPrediction(p.id as string)).effectiveLabel).toEqual({ label: 'purchase', source: 'direct' });
    expect(await outboxRows(p.id as string)).toEqual([
      { new_label: 'click', new_source: 'direct' },
      { new_label: 'purchase', new_source: 'direct' },
    ]);
  });

  it('applies a rule condition on the event value', async () => {
    const short = aPrediction({ timestamp: ago(10 * MIN) });
    const long = aPrediction({ timestamp: ago(10 * MIN) });
    await postPrediction({ predictions: [short, long] } as never);
    await postEvents([
      anEvent(short.id as string, { type: 'dwell', value: 12, timestamp: ago(9 * MIN) }),
      anEvent(long.id as string, { type: 'dwell', value: 45, timestamp: ago(9 * MIN) }),
    ]);
    await effectiveOf(long.id as string, { label: 'click', source: 'direct' });
    const s = await getPrediction(short.id as string);
    expect(s.events[0].state).toBe('no_rule');
    expect(s.labels).toEqual([]);
  });

  it('counts a re-sent event as a duplicate and changes nothing', async () => {
    const p = aPrediction({ timestamp: ago(10 * MIN) });
    await postPrediction(p);
    const click = anEvent(p.id as string, { timestamp: ago(5 * MIN) });
    await postEvents([click]);
    await effectiveOf(p.id as string, { label: 'click', source: 'direct' });
    const again = await postEvents([click, click]);
    expect(again.body).toEqual({ accepted: 0, duplicates: 2, joined: 0, pending: 0 });
    const changed = await postEvents([{ ...click, type: 'purchase' }]);
    expect(changed.status).toBe(409);
    expect(changed.body.details.ids).toEqual([{ model: 'shop', id: click.id }]);
    await sleep(300);
    expect(await outboxRows(p.id as string)).toHaveLength(1);
  });

  it('rejects a batch with a bad event with 400 and stores none of it', async () => {
    const p = aPrediction();
    await postPrediction(p);
    const good = anEvent(p.id as string);
    const res = await postEvents([good, anEvent(p.id as string, { timestamp: 'soon' })]);
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([expect.objectContaining({ index: 1, field: 'timestamp' })]);
    expect((await getPrediction(p.id as string)).events).toEqual([]);
  });
});

describe('back-filled history', () => {
  it('waits a grace after logging before closing old windows, so events sent after their predictions still count', async () => {
    const old = aPrediction({ model: 'history', timestamp: ago(120 * MIN) });
    const quiet = aPrediction({ model: 'history', timestamp: ago(120 * MIN) });
    await postPrediction({ predictions: [old, quiet] } as never);
    const click = anEvent(old.id as string, { model: 'history', timestamp: ago(115 * MIN) });
    const late = anEvent(quiet.id as string, { model: 'history', timestamp: ago(60 * MIN) });
    expect((await postEvents([click, late])).body).toMatchObject({ accepted: 2, joined: 2 });
    const res = await eventually(async () => {
      const r = await t
        .http()
        .get(`/api/v1/models/history/predictions/${old.id as string}`)
        .set('Authorization', admin);
      expect(r.body.effectiveLabel).toEqual({ label: 'click', source: 'direct' });
      return r;
    });
    expect(res.body.labels).toEqual([expect.objectContaining({ source: 'direct' })]);
    const q = await eventually(async () => {
      const r = await t
        .http()
        .get(`/api/v1/models/history/predictions/${quiet.id as string}`)
        .set('Authorization', admin);
      expect(r.body.events).toEqual([expect.objectContaining({ state: 'late' })]);
      return r;
    });
    expect(q.body.labels).toEqual([]);
  });
});

describe('manual labels', () => {
  it('outrank direct labels, record the labeler, and can be replaced', async () => {
    const p = aPrediction({ timestamp: ago(10 * MIN) });
    await postPrediction(p);
    await postEvents([anEvent(p.id as string, { timestamp: ago(5 * MIN) })]);
    await effectiveOf(p.id as string, { label: 'click', source: 'direct' });
    const res = await t
      .http()
      .post('/api/v1/labels')
      .set('Authorization', labeler)
      .send({ model: 'shop', predictionId: p.id, label: 'ignore' });
    expect(res.status).toBe(201);
    expect(res.body.effectiveLabel).toEqual({ label: 'ignore', source: 'manual' });
    const relabel = await t
      .http()
      .post('/api/v1/labels')
      .set('Authorization', labeler)
      .send({ model: 'shop', predictionId: p.id, label: 'purchase' });
    expect(relabel.body.effectiveLabel).toEqual({ label: 'purchase', source: 'manual' });
    const got = await getPrediction(p.id as string);
    expect(got.labels.filter((l) => l.source === 'manual')).toEqual([
      expect.objectContaining({ label: 'purchase', by: 'alice' }),
    ]);
    expect(got.labels.filter((l) => l.source === 'direct')).toHaveLength(1);
  });

  it.each([
    ['an unknown class', { label: 'maybe' }, 400],
    ['an unknown prediction', { predictionId: 'nope' }, 404],
    ['an unknown model', { model: 'ghost' }, 404],
    ['a missing label', { label: undefined }, 400],
  ])('answers %s with a clear 4xx', async (_, overrides, status) => {
    const p = aPrediction();
    await postPrediction(p);
    const res = await t
      .http()
      .post('/api/v1/labels')
      .set('Authorization', labeler)
      .send({ model: 'shop', predictionId: p.id, label: 'click', ...overrides });
    expect(res.status).toBe(status);
  });

  it('needs the labeler role', async () => {
    const res = await t
      .http()
      .post('/api/v1/labels')
      .set('Authorization', ingest)
      .send({ model: 'shop', predictionId: 'x', label: 'click' });
    expect(res.status).toBe(403);
  });
});

describe('metrics', () => {
  it('expose join lag, event states and labels by source', async () => {
    const res = await t.http().get('/metrics').set('Authorization', admin);
    expect(res.text).toMatch(/relabel_label_join_lag_seconds_bucket\{le="[^"]+",source="direct"\}/);
    expect(res.text).toMatch(/relabel_events_total\{state="late"\} [1-9]/);
    expect(res.text).toMatch(/relabel_events_total\{state="pending"\} [1-9]/);
    expect(res.text).toMatch(/relabel_labels_total\{source="implicit"\} [1-9]/);
  });
});
