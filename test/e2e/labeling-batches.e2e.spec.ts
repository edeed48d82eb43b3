import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent } from '../factories/events.js';
import { registerModel } from '../factories/models.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { eventually } from '../support/eventually.js';

let t: TestApp;
let admin: string;
let ingest: string;
let labeler: string;

beforeAll(async () => {
  t = await startTestApp();
  admin = `Bearer ${t.adminToken}`;
  ingest = `Bearer ${await t.tokenFor('ingest')}`;
  labeler = `Bearer ${await t.tokenFor('labeler', 'lena')}`;
});
afterAll(() => t.close());

type Cls = 'purchase' | 'click' | 'ignore';
interface Task {
  prediction_id: string;
  reason: string;
  class: string;
  score: number | null;
  position: number;
}

/** A fresh model of its own per test, so that each test has its own candidate pool. */
async function newModel(extra: Record<string, unknown> = {}): Promise<string> {
  const name = `m-${randomUUID().slice(0, 8)}`;
  await registerModel(t.http, t.adminToken, name, { ...SHOP_MODEL, ...extra });
  return name;
}

/** A prediction of `cls` with these probabilities (predicted class first), and features of its own. */
function scored(model: string, cls: Cls, probabilities: [number, number, number], overrides: Record<string, unknown> = {}) {
  const others = (['purchase', 'click', 'ignore'] as const).filter((c) => c !== cls);
  const id = `p-${randomUUID()}`;
  return aPrediction({
    id,
    model,
    prediction: cls,
    scores: { [cls]: probabilities[0], [others[0]]: probabilities[1], [others[1]]: probabilities[2] },
    features: { price: 10, country: 'de', device: 'mobile', title: id },
    ...overrides,
  });
}

/** n predictions of a class with top probability from `top` upwards: the first is the most uncertain. */
function ladder(model: string, cls: Cls, n: number, top = 0.4, step = 0.01) {
  return Array.from({ length: n }, (_, i) => {
    const p = Number((top + i * step).toFixed(4));
    return scored(model, cls, [p, Number(((1 - p) * 0.6).toFixed(6)), Number(((1 - p) * 0.4).toFixed(6))]);
  });
}

async function store(predictions: Record<string, unknown>[]): Promise<void> {
  const res = await t.http().post('/api/v1/predictions').set('Authorization', ingest).send({ predictions });
  expect(res.status).toBe(201);
}

const createBatch = (model: string, body: Record<string, unknown>, token = admin) =>
  t.http().post(`/api/v1/models/${model}/labeling-batches`).set('Authorization', token).send(body);

async function batchOf(model: string, body: Record<string, unknown>) {
  const res = await createBatch(model, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as {
    id: string;
    filled: number;
    quotas: Record<string, { asked: number; filled: number; shortBy: number; reason: string | null }>;
    audit: { asked: number; filled: number; shortBy: number; reason: string | null };
  };
}

async function tasksOf(batchId: string): Promise<Task[]> {
  return t.tables.all<Task>(
    'SELECT prediction_id, reason, class, score, position FROM labeling_tasks WHERE batch_id = ? ORDER BY position, slot',
    [batchId],
  );
}

const ids = (ps: Record<string, unknown>[]) => ps.map((p) => p.id as string);

describe('selecting a batch', () => {
  it('fills balanced quotas with the most uncertain of each class and adds a random audit sample', async () => {
    const model = await newModel();
    const pools = {
      purchase: ladder(model, 'purchase', 20),
      click: ladder(model, 'click', 20),
      ignore: ladder(model, 'ignore', 20),
    };
    await store([...pools.purchase, ...pools.click, ...pools.ignore]);
    const batch = await batchOf(model, { size: 12, strategy: 'least_confidence', quotas: 'balanced', auditFraction: 0.25 });
    expect(batch.filled).toBe(12);
    for (const cls of ['purchase', 'click', 'ignore'])
      expect(batch.quotas[cls]).toMatchObject({ asked: 3, filled: 3, shortBy: 0, reason: null });
    expect(batch.audit).toMatchObject({ asked: 3, filled: 3, shortBy: 0, reason: null });

    const tasks = await tasksOf(batch.id);
    const audit = new Set(tasks.filter((x) => x.reason === 'audit').map((x) => x.prediction_id));
    expect(audit.size).toBe(3);
    for (const [cls, pool] of Object.entries(pools)) {
      const picked = tasks.filter((x) => x.reason === 'least_confidence' && x.class === cls).map((x) => x.prediction_id);
      expect(picked).toEqual(
        ids(pool)
          .filter((id) => !audit.has(id))
          .slice(0, 3),
      );
    }
  });

  it.each([
    ['least_confidence', ['B', 'A']],
    ['margin', ['A', 'B']],
    ['entropy', ['B', 'C']],
  ])('ranks by %s in the database as the strategy defines', async (strategy, expected) => {
    const model = await newModel();
    const vectors: Record<string, [number, number, number]> = {
      A: [0.5, 0.49, 0.01],
      B: [0.4, 0.3, 0.3],
      C: [0.6, 0.2, 0.2],
      D: [0.7, 0.29, 0.01],
      E: [0.9, 0.05, 0.05],
    };
    const byName = Object.fromEntries(Object.entries(vectors).map(([name, v]) => [name, scored(model, 'purchase', v)]));
    await store(Object.values(byName));
    const batch = await batchOf(model, { size: 2, strategy, quotas: { purchase: 1 }, auditFraction: 0 });
    const order = (await tasksOf(batch.id)).map((x) => Object.keys(byName).find((k) => byName[k].id === x.prediction_id));
    expect(order).toEqual(expected);
  });

  it('hands the quota of a class that runs short to the most uncertain of the others, and says why', async () => {
    const model = await newModel();
    const click = ladder(model, 'click', 10, 0.4, 0.02);
    const ignore = ladder(model, 'ignore', 10, 0.45, 0.02);
    await store([...ladder(model, 'purchase', 1), ...click, ...ignore]);
    const batch = await batchOf(model, { size: 9, quotas: 'balanced', auditFraction: 0 });
    expect(batch.quotas.purchase).toMatchObject({ asked: 3, filled: 1, shortBy: 2, reason: 'too_few_candidates' });
    // click's 4th and 5th (top 0.46, 0.48) are less confident than ignore's 4th (0.51).
    expect(batch.quotas.click).toMatchObject({ asked: 3, filled: 5, shortBy: 0, reason: 'received_unused_quota' });
    expect(batch.quotas.ignore).toMatchObject({ asked: 3, filled: 3, reason: null });
    const picked = (await tasksOf(batch.id)).filter((x) => x.class === 'click').map((x) => x.prediction_id);
    expect(picked).toEqual(ids(click).slice(0, 5));
  });

  it('takes the whole pool when the size is larger, reporting each shortfall', async () => {
    const model = await newModel();
    await store([...ladder(model, 'purchase', 2), ...ladder(model, 'click', 3)]);
    const batch = await batchOf(model, { size: 50, auditFraction: 0.1 });
    expect(batch.filled).toBe(5);
    expect(batch.audit).toMatchObject({ asked: 5, filled: 5, shortBy: 0 });
    const classFilled = Object.values(batch.quotas).reduce((n, q) => n + q.filled, 0);
    expect(classFilled).toBe(0);
    expect(batch.quotas.ignore).toMatchObject({ asked: 15, filled: 0, shortBy: 15, reason: 'too_few_candidates' });
  });

  it('splits proportionally to the pool, and by given shares with a zero share honoured', async () => {
    const model = await newModel();
    await store([...ladder(model, 'purchase', 20), ...ladder(model, 'click', 10), ...ladder(model, 'ignore', 10)]);
    const proportional = await batchOf(model, { size: 8, quotas: 'proportional', auditFraction: 0, seed: 7 });
    expect(Object.fromEntries(Object.entries(proportional.quotas).map(([c, q]) => [c, q.asked]))).toEqual({
      purchase: 4,
      click: 2,
      ignore: 2,
    });
    const shares = await batchOf(model, { size: 6, quotas: { click: 2, ignore: 1, purchase: 0 }, auditFraction: 0 });
    expect(shares.quotas.purchase).toMatchObject({ asked: 0, filled: 0 });
    expect(shares.quotas.click).toMatchObject({ asked: 4, filled: 4 });
    expect(shares.quotas.ignore).toMatchObject({ asked: 2, filled: 2 });
  });

  it('leaves out labeled and already queued predictions, and final direct labels unless includeDirect', async () => {
    // A window long enough for the event join to run before it closes on a busy machine, short enough to wait for.
    const model = await newModel({ labelRules: [{ event: 'click', label: 'click', within: '6s', priority: 1 }] });
    const [manual, direct, free] = ladder(model, 'click', 3);
    direct.timestamp = new Date(Date.now() - 1000).toISOString();
    await store([manual, direct, free]);
    const labeled = await t
      .http()
      .post('/api/v1/labels')
      .set('Authorization', labeler)
      .send({ model, predictionId: manual.id, label: 'ignore' });
    expect(labeled.status).toBe(201);
    await t
      .http()
      .post('/api/v1/events')
      .set('Authorization', ingest)
      .send({ events: [anEvent(direct.id as string, { model })] });
    await eventually(async () => {
      const res = await t.http().get(`/api/v1/models/${model}/predictions/${direct.id}`).set('Authorization', admin);
      expect(res.body.labels).toEqual([expect.objectContaining({ source: 'direct', final: true })]);
    }, 30_000);

    const first = await batchOf(model, { size: 10, auditFraction: 0 });
    expect((await tasksOf(first.id)).map((x) => x.prediction_id)).toEqual([free.id]);
    const second = await batchOf(model, { size: 10, auditFraction: 0 });
    expect(second.filled).toBe(0);
    const withDirect = await batchOf(model, { size: 10, auditFraction: 0, includeDirect: true });
    expect((await tasksOf(withDirect.id)).map((x) => x.prediction_id)).toEqual([direct.id]);
  });

  it('never takes two predictions with the same features into one batch', async () => {
    const model = await newModel();
    const twins = ladder(model, 'purchase', 4).map((p) => ({ ...p, features: { price: 1, country: 'fr', device: 'mobile' } }));
    const others = ladder(model, 'purchase', 4, 0.6);
    await store([...twins, ...others]);
    const batch = await batchOf(model, { size: 4, quotas: { purchase: 1 }, auditFraction: 0 });
    const picked = (await tasksOf(batch.id)).map((x) => x.prediction_id);
    expect(picked).toHaveLength(4);
    expect(picked.filter((id) => ids(twins).includes(id))).toHaveLength(1);
  });

  it('selects only predictions matching the model version, time and slice filters', async () => {
    const model = await newModel();
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
    const wanted = scored(model, 'click', [0.5, 0.3, 0.2], { modelVersion: 'v2', timestamp: at(30), slices: { country: 'fr' } });
    const wrongVersion = scored(model, 'click', [0.4, 0.3, 0.3], {
      modelVersion: 'v1',
      timestamp: at(30),
      slices: { country: 'fr' },
    });
    const tooEarly = scored(model, 'click', [0.4, 0.3, 0.3], {
      modelVersion: 'v2',
      timestamp: at(120),
      slices: { country: 'fr' },
    });
    const otherSlice = scored(model, 'click', [0.4, 0.3, 0.3], {
      modelVersion: 'v2',
      timestamp: at(30),
      slices: { country: 'us' },
    });
    await store([wanted, wrongVersion, tooEarly, otherSlice]);
    const batch = await batchOf(model, {
      size: 10,
      auditFraction: 0.2,
      filters: { modelVersion: 'v2', from: at(60), to: at(0), slices: { country: 'fr', device: 'mobile' } },
    });
    expect((await tasksOf(batch.id)).map((x) => x.prediction_id)).toEqual([wanted.id]);
  });

  it('reads null filter dates as no bound (not NaN: a 500 on PostgreSQL, an empty batch on SQLite)', async () => {
    const model = await newModel();
    const one = scored(model, 'click', [0.5, 0.3, 0.2], { timestamp: new Date(Date.now() - 60_000).toISOString() });
    await store([one]);
    const batch = await batchOf(model, { size: 10, auditFraction: 0, filters: { from: null, to: null } });
    expect((await tasksOf(batch.id)).map((x) => x.prediction_id)).toEqual([one.id]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a size of 0', { size: 0 }, 'size'],
    ['a size over 10,000', { size: 10_001 }, 'size'],
    ['an unknown strategy', { size: 5, strategy: 'confusion' }, 'strategy'],
    ['quotas of another kind', { size: 5, quotas: 'even' }, 'quotas'],
    ['all-zero shares', { size: 5, quotas: { click: 0 } }, 'quotas'],
    ['a share for a class the model lacks', { size: 5, quotas: { refund: 1 } }, 'quotas.refund'],
    ['an audit fraction over 1', { size: 5, auditFraction: 1.5 }, 'auditFraction'],
    ['labelsPerItem of 0', { size: 5, labelsPerItem: 0 }, 'labelsPerItem'],
    ['a filter date that is not ISO 8601', { size: 5, filters: { from: 'last week' } }, 'filters.from'],
    ['a slice key the model lacks', { size: 5, filters: { slices: { weather: 'rain' } } }, 'filters.slices.weather'],
    ['to before from', { size: 5, filters: { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' } }, 'filters.to'],
    ['an unknown field', { size: 5, colour: 'red' }, 'colour'],
  ])('refuses %s with 400 naming the field', async (_, body, field) => {
    const model = await newModel();
    const res = await createBatch(model, body);
    expect(res.status).toBe(400);
    expect(res.body.details).toContainEqual(expect.objectContaining({ field }));
  });

  it('answers 404 for an unknown model', async () => {
    expect((await createBatch('no-such-model', { size: 5 })).status).toBe(404);
  });

  it('is for admins only', async () => {
    const model = await newModel();
    expect((await createBatch(model, { size: 5 }, labeler)).status).toBe(403);
    expect((await createBatch(model, { size: 5 }, ingest)).status).toBe(403);
    expect((await t.http().post(`/api/v1/models/${model}/labeling-batches`).send({ size: 5 })).status).toBe(401);
  });
});

describe('listing batches', () => {
  it('shows each batch, newest first, with progress per class quota and for the audit sample', async () => {
    const model = await newModel();
    await store([...ladder(model, 'purchase', 5), ...ladder(model, 'click', 5), ...ladder(model, 'ignore', 5)]);
    const older = await batchOf(model, { size: 3, auditFraction: 0 });
    const newer = await batchOf(model, { size: 4, auditFraction: 0.25, labelsPerItem: 2 });
    const leased = await t.http().get(`/api/v1/models/${model}/labeling/next?batch=${newer.id}`).set('Authorization', labeler);
    expect(leased.status).toBe(200);
    await t.http().post(`/api/v1/labeling/tasks/${leased.body.taskId}`).set('Authorization', labeler).send({ label: 'click' });

    const res = await t.http().get(`/api/v1/models/${model}/labeling-batches`).set('Authorization', labeler);
    expect(res.status).toBe(200);
    expect(res.body.map((b: { id: string }) => b.id)).toEqual([newer.id, older.id]);
    const [listed] = res.body;
    expect(listed).toMatchObject({
      size: 4,
      filled: 4,
      labelsPerItem: 2,
      status: 'open',
      progress: { items: 4, labelsWanted: 8, done: 1, pending: 7, percent: 12.5 },
      audit: { asked: 1, filled: 1, progress: { items: 1 } },
    });
    const cls = leased.body.prediction.prediction as string;
    const doneIn = leased.body.reason === 'audit' ? listed.audit.progress : listed.quotas[cls].progress;
    expect(doneIn.done).toBe(1);
  });
});
