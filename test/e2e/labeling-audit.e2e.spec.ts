import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db } from '../../src/database/db.js';
import { type BatchRequest, SelectionService } from '../../src/labeling/selection.service.js';
import { ModelsService } from '../../src/models/models.service.js';
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

async function newModel(extra: Record<string, unknown> = {}): Promise<string> {
  const name = `a-${randomUUID().slice(0, 8)}`;
  await registerModel(t.http, t.adminToken, name, { ...SHOP_MODEL, ...extra });
  return name;
}

function prediction(model: string, country: string, features?: Record<string, unknown>, ts = Date.now() - 60_000) {
  const id = `p-${randomUUID()}`;
  return aPrediction({
    id,
    model,
    timestamp: new Date(ts).toISOString(),
    slices: { country },
    features: features ?? { price: 10, country, device: 'mobile', title: id },
  });
}

async function store(predictions: Record<string, unknown>[]): Promise<void> {
  const res = await t.http().post('/api/v1/predictions').set('Authorization', ingest).send({ predictions });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

async function labelManually(model: string, predictionId: string): Promise<void> {
  const res = await t.http().post('/api/v1/labels').set('Authorization', labeler).send({ model, predictionId, label: 'ignore' });
  expect(res.status).toBe(201);
}

/** Predictions that get a final direct label: the click rule's window is short enough to wait for. */
async function withFinalDirectLabels(model: string, n: number): Promise<string[]> {
  const direct = Array.from({ length: n }, () => prediction(model, 'de', undefined, Date.now() - 1000));
  await store(direct);
  const events = direct.map((p) => anEvent(p.id as string, { model }));
  const res = await t.http().post('/api/v1/events').set('Authorization', ingest).send({ events });
  expect(res.status).toBe(202);
  await eventually(async () => {
    for (const p of direct) {
      const got = await t.http().get(`/api/v1/models/${model}/predictions/${p.id}`).set('Authorization', admin);
      expect(got.body.labels).toEqual([expect.objectContaining({ source: 'direct', final: true })]);
    }
  }, 30_000);
  return direct.map((p) => p.id as string);
}

const createBatch = (model: string, body: Record<string, unknown>) =>
  t.http().post(`/api/v1/models/${model}/labeling-batches`).set('Authorization', admin).send(body);

const auditTasks = (batchId: string) =>
  t.tables.all<{ prediction_id: string }>(
    "SELECT DISTINCT prediction_id FROM labeling_tasks WHERE batch_id = ? AND reason = 'audit'",
    [batchId],
  );

describe('the audit sample of a batch', () => {
  const rule = { labelRules: [{ event: 'click', label: 'click', within: '6s', priority: 1 }] };

  it('is drawn uniformly from every prediction in the window: manually labeled, final direct and same-feature ones too', async () => {
    const model = await newModel(rule);
    const finalDirect = await withFinalDirectLabels(model, 8);
    const twins = Array.from({ length: 8 }, () => prediction(model, 'fr', { price: 1, country: 'fr', device: 'desktop' }));
    const manual = Array.from({ length: 8 }, () => prediction(model, 'us'));
    const plain = Array.from({ length: 16 }, () => prediction(model, 'de'));
    await store([...twins, ...manual, ...plain]);
    for (const p of manual) await labelManually(model, p.id as string);
    const frame = [...finalDirect, ...[...twins, ...manual, ...plain].map((p) => p.id as string)];

    // Selection without queueing it: every draw sees the same frame of 40.
    const entity = await t.app.get(ModelsService).require(model);
    const selection = t.app.get(SelectionService);
    const db = t.app.get(Db);
    const counts = new Map(frame.map((id) => [id, 0]));
    const draws = 200;
    for (let seed = 1; seed <= draws; seed++) {
      const request: BatchRequest = {
        size: 5,
        strategy: 'least_confidence',
        quotas: 'balanced',
        auditFraction: 1,
        audit: { mode: 'uniform', sliceKey: null, sliceValue: null },
        labelsPerItem: 1,
        includeDirect: false,
        filters: {},
        seed,
      };
      const { picks, outcome } = await db.tx((tx) => selection.select(tx, entity, request));
      expect(outcome.audit.design).toMatchObject({ mode: 'uniform', population: 40 });
      const audit = picks.filter((p) => p.reason === 'audit').map((p) => p.predictionId);
      expect(new Set(audit).size).toBe(5);
      for (const id of audit) counts.set(id, counts.get(id)! + 1);
    }
    expect([...counts.keys()].length).toBe(40);
    // 1,000 draws over 40 items: 25 expected each. Chi-square with 39 degrees of freedom: 72.05 at
    // p = 0.001 (scipy.stats.chi2.ppf(0.999, 39)); the seeds are fixed, so this is deterministic.
    const expected = (draws * 5) / 40;
    const chiSquare = [...counts.values()].reduce((s, n) => s + (n - expected) ** 2 / expected, 0);
    expect(chiSquare, [...counts.values()].join(',')).toBeLessThan(72.05);
    // The groups the active-learning pool leaves out get their share: 8/40 of the draws each, well inside
    // a 4-sigma band (sd of a group's count is sqrt(1000 * 0.2 * 0.8) = 12.6).
    const share = (ids: string[]) => ids.reduce((s, id) => s + counts.get(id)!, 0);
    for (const group of [finalDirect, twins.map((p) => p.id as string), manual.map((p) => p.id as string)])
      expect(Math.abs(share(group) - 200)).toBeLessThan(4 * 12.65);
  });

  it('queues final-direct and manually labeled predictions as audit tasks, and skips ones already audited or queued for audit', async () => {
    const model = await newModel(rule);
    const finalDirect = await withFinalDirectLabels(model, 3);
    const manual = prediction(model, 'us');
    await store([manual]);
    await labelManually(model, manual.id as string);
    const first = await createBatch(model, { size: 4, auditFraction: 1 });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.audit).toMatchObject({ asked: 4, filled: 4, design: { mode: 'uniform', population: 4 } });
    const drawn = (await auditTasks(first.body.id)).map((r) => r.prediction_id).sort();
    expect(drawn).toEqual([...finalDirect, manual.id as string].sort());
    const second = await createBatch(model, { size: 4, auditFraction: 1 });
    expect(second.body.audit).toMatchObject({ asked: 4, filled: 0, design: { population: 0 } });
  });

  it('by_slice gives each value of the key an equal share, capped by what it has, and keeps the design on the batch', async () => {
    const model = await newModel();
    const rows = [
      ...Array.from({ length: 30 }, () => prediction(model, 'de')),
      ...Array.from({ length: 10 }, () => prediction(model, 'fr')),
      ...Array.from({ length: 2 }, () => prediction(model, 'us')),
    ];
    await store(rows);
    const country = new Map(rows.map((p) => [p.id as string, (p.slices as { country: string }).country]));
    const res = await createBatch(model, { size: 20, auditFraction: 1, audit: 'by_slice', auditSliceKey: 'country', seed: 3 });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const strata = [
      { value: 'de', population: 30, asked: 9, filled: 9, weight: 30 / 9 },
      { value: 'fr', population: 10, asked: 9, filled: 9, weight: 10 / 9 },
      { value: 'us', population: 2, asked: 2, filled: 2, weight: 1 },
    ];
    const design = { mode: 'by_slice', sliceKey: 'country', sliceValue: null, population: 42, strata };
    expect(res.body.audit).toMatchObject({ asked: 20, filled: 20, design });
    const perValue: Record<string, number> = {};
    for (const { prediction_id } of await auditTasks(res.body.id))
      perValue[country.get(prediction_id)!] = (perValue[country.get(prediction_id)!] ?? 0) + 1;
    expect(perValue).toEqual({ de: 9, fr: 9, us: 2 });
    const got = await t.http().get(`/api/v1/labeling-batches/${res.body.id}`).set('Authorization', admin);
    expect(got.status).toBe(200);
    expect(got.body.audit.design).toEqual(design);
  });

  it('auditSliceValue restricts the audit to one value', async () => {
    const model = await newModel();
    const rows = [
      ...Array.from({ length: 6 }, () => prediction(model, 'de')),
      ...Array.from({ length: 6 }, () => prediction(model, 'fr')),
    ];
    await store(rows);
    const fr = new Set(rows.filter((p) => (p.slices as { country: string }).country === 'fr').map((p) => p.id as string));
    const res = await createBatch(model, { size: 4, auditFraction: 1, auditSliceKey: 'country', auditSliceValue: 'fr' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.audit.design).toMatchObject({ mode: 'uniform', sliceKey: 'country', sliceValue: 'fr', population: 6 });
    const drawn = (await auditTasks(res.body.id)).map((r) => r.prediction_id);
    expect(drawn).toHaveLength(4);
    for (const id of drawn) expect(fr.has(id)).toBe(true);
  });

  it.each([
    ['by_slice without a key', { audit: 'by_slice' }, 'auditSliceKey'],
    ['an unknown slice key', { audit: 'by_slice', auditSliceKey: 'planet' }, 'auditSliceKey'],
    ['a value without a key', { auditSliceValue: 'de' }, 'auditSliceValue'],
    ['an unknown audit mode', { audit: 'stratified' }, 'audit'],
  ])('refuses %s with a 400 naming the field', async (_name, body, field) => {
    const model = await newModel();
    const res = await createBatch(model, { size: 4, auditFraction: 0.5, ...body });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.details)).toContain(field);
  });
});
