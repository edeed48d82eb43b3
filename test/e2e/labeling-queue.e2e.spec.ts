import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerModel } from '../factories/models.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { onPostgres, startTestApp, type TestApp } from '../support/app.js';
import { sleep } from '../support/eventually.js';

let t: TestApp;
let admin: string;
let ingest: string;

beforeAll(async () => {
  t = await startTestApp();
  admin = `Bearer ${t.adminToken}`;
  ingest = `Bearer ${await t.tokenFor('ingest')}`;
});
afterAll(() => t.close());

interface Leased {
  taskId: string;
  batchId: string;
  predictionId: string;
  reason: string;
  score: number | null;
  leaseExpiresAt: string;
  prediction: Record<string, unknown>;
}

const labelers = (n: number) => Promise.all(Array.from({ length: n }, (_, i) => t.tokenFor('labeler', `labeler-${i}`)));

/** A model with `n` predictions (distinct features, click predicted with falling uncertainty) and one batch over them. */
async function queue(n: number, batch: Record<string, unknown> = {}, labeling: Record<string, unknown> = {}) {
  const model = `q-${randomUUID().slice(0, 8)}`;
  await registerModel(t.http, t.adminToken, model, { ...SHOP_MODEL, labeling });
  const predictions = Array.from({ length: n }, (_, i) => {
    const top = 0.4 + i / (4 * n);
    const id = `p-${i}-${randomUUID()}`;
    return aPrediction({
      id,
      model,
      scores: { click: top, purchase: (1 - top) / 2, ignore: (1 - top) / 2 },
      features: { price: i, country: 'de', device: 'mobile', title: id },
    });
  });
  const stored = await t.http().post('/api/v1/predictions').set('Authorization', ingest).send({ predictions });
  expect(stored.status).toBe(201);
  const created = await t
    .http()
    .post(`/api/v1/models/${model}/labeling-batches`)
    .set('Authorization', admin)
    .send({ size: n, auditFraction: 0, quotas: { click: 1 }, ...batch });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { model, batchId: created.body.id as string, predictionIds: predictions.map((p) => p.id as string) };
}

const next = (model: string, token: string, batchId?: string) =>
  t
    .http()
    .get(`/api/v1/models/${model}/labeling/next${batchId ? `?batch=${batchId}` : ''}`)
    .set('Authorization', `Bearer ${token}`);

async function lease(model: string, token: string): Promise<Leased> {
  const res = await next(model, token);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Leased;
}

const submit = (taskId: string, token: string, body: Record<string, unknown>) =>
  t.http().post(`/api/v1/labeling/tasks/${taskId}`).set('Authorization', `Bearer ${token}`).send(body);

const undo = (taskId: string, token: string) =>
  t.http().post(`/api/v1/labeling/tasks/${taskId}/undo`).set('Authorization', `Bearer ${token}`).send({});

async function labelsOf(model: string, predictionId: string) {
  const res = await t.http().get(`/api/v1/models/${model}/predictions/${predictionId}`).set('Authorization', admin);
  return res.body.labels as { label: string; source: string; by: string }[];
}

describe('leasing', () => {
  it(`gives 20 parallel callers 20 distinct tasks on ${onPostgres ? 'PostgreSQL' : 'SQLite'}`, async () => {
    const { model } = await queue(30);
    const tokens = await labelers(20);
    const answers = await Promise.all(tokens.map((token) => next(model, token)));
    expect(answers.map((a) => a.status)).toEqual(tokens.map(() => 200));
    const taskIds = answers.map((a) => (a.body as Leased).taskId);
    const predictionIds = answers.map((a) => (a.body as Leased).predictionId);
    expect(new Set(taskIds).size).toBe(20);
    expect(new Set(predictionIds).size).toBe(20);
    const held = await t.tables.get<{ tasks: number; holders: number }>(
      `SELECT COUNT(*) AS tasks, COUNT(DISTINCT labeler) AS holders FROM labeling_tasks WHERE model = ? AND status = 'leased'`,
      [model],
    );
    expect({ tasks: Number(held?.tasks), holders: Number(held?.holders) }).toEqual({ tasks: 20, holders: 20 });
  });

  it("gives one labeler's parallel calls the one task they hold", async () => {
    const { model } = await queue(10);
    const [token] = await labelers(1);
    const answers = await Promise.all(Array.from({ length: 8 }, () => next(model, token)));
    expect(new Set(answers.map((a) => (a.body as Leased).taskId)).size).toBe(1);
  });

  it('answers with the task, why it was chosen, and the prediction to label', async () => {
    const { model, batchId, predictionIds } = await queue(3, { strategy: 'margin' });
    const [token] = await labelers(1);
    const before = Date.now();
    const task = await lease(model, token);
    expect(task).toMatchObject({ batchId, predictionId: predictionIds[0], reason: 'margin' });
    expect(task.score).toBeCloseTo(0.4 - 0.3, 6);
    const expires = Date.parse(task.leaseExpiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + 10 * 60_000);
    expect(expires).toBeLessThan(Date.now() + 10 * 60_000 + 1000);
    expect(task.prediction).toMatchObject({
      id: predictionIds[0],
      prediction: 'click',
      features: expect.objectContaining({ country: 'de' }),
      scores: expect.objectContaining({ click: 0.4 }),
      slices: { country: 'de', device: 'mobile' },
    });
  });

  it('serves only the requested batch with ?batch=, and 404 for a batch of another model', async () => {
    const first = await queue(2);
    const second = await queue(2);
    const [token] = await labelers(1);
    const res = await next(first.model, token, first.batchId);
    expect(res.body.batchId).toBe(first.batchId);
    expect((await next(first.model, token, second.batchId)).status).toBe(404);
    expect((await next(first.model, token, 'not-a-uuid')).status).toBe(400);
  });

  it('answers 204 when nothing is left', async () => {
    const { model } = await queue(1);
    const [a, b] = await labelers(2);
    await lease(model, a);
    const res = await next(model, b);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
  });

  it('returns an expired lease to the queue: another labeler gets it, and the first may no longer submit', async () => {
    const { model } = await queue(1, {}, { leaseTtl: '1s' });
    const [a, b] = await labelers(2);
    const first = await lease(model, a);
    expect((await next(model, b)).status).toBe(204);
    await sleep(1100);
    const second = await lease(model, b);
    expect(second.taskId).toBe(first.taskId);
    const late = await submit(first.taskId, a, { label: 'click' });
    expect(late.status).toBe(409);
    expect(late.body.message).toBe('lease_not_held');
    expect((await submit(second.taskId, b, { label: 'purchase' })).status).toBe(200);
  });

  it('still takes the answer of an expired lease that nobody took over', async () => {
    const { model, predictionIds } = await queue(1, {}, { leaseTtl: '1s' });
    const [a] = await labelers(1);
    const task = await lease(model, a);
    await sleep(1100);
    expect((await submit(task.taskId, a, { label: 'ignore' })).status).toBe(200);
    expect(await labelsOf(model, predictionIds[0])).toEqual([expect.objectContaining({ label: 'ignore', source: 'manual' })]);
  });
});

describe('labeling and skipping', () => {
  it('stores the label through the manual-label service and moves on to the next task', async () => {
    const { model, predictionIds } = await queue(2);
    const token = await t.tokenFor('labeler', 'mira');
    const task = await lease(model, token);
    const res = await submit(task.taskId, token, { label: 'purchase' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      taskId: task.taskId,
      status: 'done',
      effectiveLabel: { label: 'purchase', source: 'manual' },
    });
    expect(await labelsOf(model, predictionIds[0])).toEqual([
      expect.objectContaining({ label: 'purchase', source: 'manual', by: 'mira' }),
    ]);
    expect((await lease(model, token)).predictionId).toBe(predictionIds[1]);
  });

  it('gives audit tasks audit labels', async () => {
    const { model } = await queue(2, { auditFraction: 1 });
    const [token] = await labelers(1);
    const task = await lease(model, token);
    expect(task.reason).toBe('audit');
    expect(task.score).toBeNull();
    await submit(task.taskId, token, { label: 'ignore' });
    expect(await labelsOf(model, task.predictionId)).toEqual([expect.objectContaining({ label: 'ignore', source: 'audit' })]);
  });

  it('never gives a skipped item back to the labeler who skipped it, but to someone else', async () => {
    const { model, predictionIds } = await queue(1);
    const [a, b] = await labelers(2);
    const task = await lease(model, a);
    const skipped = await submit(task.taskId, a, { skip: true });
    expect(skipped.status).toBe(200);
    expect(skipped.body).toMatchObject({ status: 'skipped', effectiveLabel: null });
    expect((await next(model, a)).status).toBe(204);
    const other = await lease(model, b);
    expect(other.predictionId).toBe(predictionIds[0]);
    expect(other.taskId).not.toBe(task.taskId);
    expect(await labelsOf(model, predictionIds[0])).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a class the model lacks', { label: 'refund' }, 'label'],
    ['neither label nor skip', {}, 'label'],
    ['both label and skip', { label: 'click', skip: true }, 'skip'],
    ['skip: false', { skip: false }, 'skip'],
  ])('refuses %s with 400 naming the field', async (_, body, field) => {
    const { model } = await queue(1);
    const [token] = await labelers(1);
    const task = await lease(model, token);
    const res = await submit(task.taskId, token, body);
    expect(res.status).toBe(400);
    expect(res.body.details).toContainEqual(expect.objectContaining({ field }));
  });

  it("refuses someone else's lease with 409, a finished task with 409, an unknown task with 404", async () => {
    const { model } = await queue(1);
    const [a, b] = await labelers(2);
    const task = await lease(model, a);
    expect((await submit(task.taskId, b, { label: 'click' })).status).toBe(409);
    expect((await submit(task.taskId, a, { label: 'click' })).status).toBe(200);
    const again = await submit(task.taskId, a, { label: 'ignore' });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe('task_already_finished');
    expect((await submit(randomUUID(), a, { label: 'click' })).status).toBe(404);
  });
});

describe('undo', () => {
  it('withdraws the last label and leases the task again to the same labeler, who can redo it', async () => {
    const { model, predictionIds } = await queue(3);
    const [token] = await labelers(1);
    const first = await lease(model, token);
    await submit(first.taskId, token, { label: 'purchase' });
    const second = await lease(model, token);
    await submit(second.taskId, token, { label: 'click' });

    expect((await undo(first.taskId, token)).status).toBe(409);
    const undone = await undo(second.taskId, token);
    expect(undone.status).toBe(200);
    expect(undone.body).toMatchObject({ taskId: second.taskId, predictionId: predictionIds[1] });
    expect(await labelsOf(model, predictionIds[1])).toEqual([]);
    expect((await lease(model, token)).taskId).toBe(second.taskId);
    expect((await submit(second.taskId, token, { label: 'ignore' })).status).toBe(200);
    expect(await labelsOf(model, predictionIds[1])).toEqual([expect.objectContaining({ label: 'ignore' })]);
  });

  it('undoes a skip without leaving an extra task for the item', async () => {
    const { model, batchId } = await queue(1);
    const [a, b] = await labelers(2);
    const task = await lease(model, a);
    await submit(task.taskId, a, { skip: true });
    const undone = await t.http().post(`/api/v1/models/${model}/labeling/undo`).set('Authorization', `Bearer ${a}`).send({});
    expect(undone.status).toBe(200);
    expect(undone.body.taskId).toBe(task.taskId);
    expect((await next(model, b)).status).toBe(204);
    const detail = await t.http().get(`/api/v1/labeling-batches/${batchId}`).set('Authorization', admin);
    expect(detail.body.progress).toMatchObject({ items: 1, leased: 1, pending: 0, skipped: 0 });
  });

  it("refuses to undo another labeler's task, and says when there is nothing to undo", async () => {
    const { model } = await queue(2);
    const [a, b] = await labelers(2);
    const task = await lease(model, a);
    await submit(task.taskId, a, { label: 'click' });
    expect((await undo(task.taskId, b)).status).toBe(409);
    const nothing = await t.http().post(`/api/v1/models/${model}/labeling/undo`).set('Authorization', `Bearer ${b}`).send({});
    expect(nothing.status).toBe(404);
    expect(nothing.body.message).toBe('nothing_to_undo');
  });
});

describe('several labels per item', () => {
  it('goes to that many different labelers and never twice to one, and reports their agreement', async () => {
    const { model, batchId, predictionIds } = await queue(2, { labelsPerItem: 2 });
    const [a, b, c] = await labelers(3);
    const seen = new Map<string, string[]>();
    const labelAll = async (token: string, labels: string[]) => {
      for (const label of labels) {
        const task = await lease(model, token);
        seen.set(token, [...(seen.get(token) ?? []), task.predictionId]);
        expect((await submit(task.taskId, token, { label })).status).toBe(200);
      }
      expect((await next(model, token)).status).toBe(204);
    };
    await labelAll(a, ['click', 'purchase']);
    await labelAll(b, ['click', 'ignore']);
    expect((await next(model, c)).status).toBe(204);
    expect([...seen.get(a)!].sort()).toEqual([...predictionIds].sort());
    expect([...seen.get(b)!].sort()).toEqual([...predictionIds].sort());

    const detail = await t.http().get(`/api/v1/labeling-batches/${batchId}`).set('Authorization', `Bearer ${c}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ status: 'complete', progress: { items: 2, completedItems: 2, done: 4, percent: 100 } });
    // Pairs (click, click) and (purchase, ignore): po 0.5, pe 0.25 -> kappa 1/3.
    expect(detail.body.agreement).toMatchObject({ method: 'cohen', items: 2, labelers: 2, reason: null });
    expect(detail.body.agreement.kappa).toBeCloseTo(1 / 3, 10);
  });

  it("gives Fleiss' kappa for more labelers, and null with a reason when it cannot be computed", async () => {
    const single = await queue(1);
    const one = await t.http().get(`/api/v1/labeling-batches/${single.batchId}`).set('Authorization', admin);
    expect(one.body.agreement).toMatchObject({ kappa: null, reason: 'one_label_per_item' });

    const { model, batchId } = await queue(2, { labelsPerItem: 3 });
    const tokens = await labelers(3);
    const answers = [
      ['click', 'purchase'],
      ['click', 'purchase'],
      ['click', 'ignore'],
    ];
    for (const [i, token] of tokens.entries()) {
      for (const label of answers[i]) {
        const task = await lease(model, token);
        await submit(task.taskId, token, { label });
      }
    }
    const detail = await t.http().get(`/api/v1/labeling-batches/${batchId}`).set('Authorization', admin);
    expect(detail.body.agreement).toMatchObject({ method: 'fleiss', items: 2, labelers: 3, reason: null });
    // Items {click x3} and {purchase x2, ignore}: P = (1 + 1/3) / 2, Pe = (1/2)^2 + (1/3)^2 + (1/6)^2.
    const observed = (1 + 1 / 3) / 2;
    const expected = 1 / 4 + 1 / 9 + 1 / 36;
    expect(detail.body.agreement.kappa).toBeCloseTo((observed - expected) / (1 - expected), 10);
  });
});

describe('roles', () => {
  it('lets labelers and admins lease, not ingest tokens or anonymous callers', async () => {
    const { model } = await queue(3);
    expect((await t.http().get(`/api/v1/models/${model}/labeling/next`).set('Authorization', ingest)).status).toBe(403);
    expect((await t.http().get(`/api/v1/models/${model}/labeling/next`)).status).toBe(401);
    expect((await t.http().get(`/api/v1/models/${model}/labeling/next`).set('Authorization', admin)).status).toBe(200);
    const [token] = await labelers(1);
    expect((await next(model, token)).status).toBe(200);
  });
});
