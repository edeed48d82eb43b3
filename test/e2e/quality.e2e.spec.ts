import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/auth/roles.decorator.js';
import { SeededRandom } from '../../src/common/random.js';
import { EventsService } from '../../src/events/events.service.js';
import { JobQueue, QueueName } from '../../src/jobs/job-queue.js';
import { LabelsService } from '../../src/labels/labels.service.js';
import { SliceRollups } from '../../src/slices/rollups.service.js';
import { SlicesProcessor } from '../../src/slices/slices.processor.js';
import { anEvent, SHOP_RULES } from '../factories/events.js';
import { registerModel } from '../factories/models.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { openPage, postForm, signIn } from '../support/web.js';

const MIN = 60_000;
const CLASSES = SHOP_MODEL.classes;
const COUNTRIES = ['de', 'fr', 'us'];

let t: TestApp;
let ingest: string;
let admin: string;
let labeler: string;
const auditor: Principal = { tokenId: 'auditor', name: 'aud', role: 'labeler', via: 'bearer' };

beforeAll(async () => {
  t = await startTestApp();
  ingest = `Bearer ${await t.tokenFor('ingest')}`;
  admin = `Bearer ${t.adminToken}`;
  labeler = `Bearer ${await t.tokenFor('labeler', 'lena')}`;
});
afterAll(() => t?.close());

async function settle(): Promise<void> {
  const jobs = t.app.get(JobQueue);
  await t.app.get(EventsService).requestJoin();
  await jobs.drain(QueueName.Labels);
  await t.app.get(SlicesProcessor).requestRollup();
  await jobs.drain(QueueName.Slices);
}

const get = (path: string) => t.http().get(path).set('Authorization', labeler);

async function storePredictions(predictions: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < predictions.length; i += 500) {
    const res = await t
      .http()
      .post('/api/v1/predictions')
      .set('Authorization', ingest)
      .send({ predictions: predictions.slice(i, i + 500) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
}

async function storeEvents(events: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < events.length; i += 500) {
    const res = await t
      .http()
      .post('/api/v1/events')
      .set('Authorization', ingest)
      .send({ events: events.slice(i, i + 500) });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
  }
}

interface RawLabel {
  prediction_id: string;
  label: string;
  source: string;
  rule: string | null;
}

/** The oracle: agreement counts straight from the label rows, written independently of the tallies. */
async function rawAgreement(model: string) {
  const labels = await t.tables.all<RawLabel>('SELECT prediction_id, label, source, rule FROM labels WHERE model = ?', [model]);
  const byPrediction = new Map<string, RawLabel[]>();
  for (const l of labels) byPrediction.set(l.prediction_id, [...(byPrediction.get(l.prediction_id) ?? []), l]);
  const bySource = new Map<
    string,
    { n: number; agree: number; nAudit: number; confusion: Record<string, Record<string, number>> }
  >();
  for (const ls of byPrediction.values()) {
    const behaviour = ls.find((l) => l.source === 'direct') ?? ls.find((l) => l.source === 'implicit');
    const human = ls.find((l) => l.source === 'audit') ?? ls.find((l) => l.source === 'manual');
    if (!behaviour || !human) continue;
    const rule = behaviour.rule && behaviour.source === 'direct' ? (JSON.parse(behaviour.rule) as { event: string }).event : '';
    const id = `${behaviour.source}/${rule}`;
    const s = bySource.get(id) ?? { n: 0, agree: 0, nAudit: 0, confusion: {} };
    s.n++;
    s.agree += behaviour.label === human.label ? 1 : 0;
    s.nAudit += human.source === 'audit' ? 1 : 0;
    const row = (s.confusion[behaviour.label] ??= {});
    row[human.label] = (row[human.label] ?? 0) + 1;
    bySource.set(id, s);
  }
  return bySource;
}

describe('label quality and corrected accuracy', () => {
  it('match a recomputation from the raw rows after events, the labeling queue and POST /labels', async () => {
    const model = 'quality-raw';
    await registerModel(t.http, t.adminToken, model, { ...SHOP_MODEL, ...SHOP_RULES, eventGrace: '1ms' });
    const r = new SeededRandom(4242);
    const now = Date.now();
    const predictions = Array.from({ length: 90 }, (_, i) =>
      aPrediction({
        id: `${model}-${i}`,
        model,
        timestamp: new Date(now - (120 + r.int(600)) * MIN).toISOString(),
        features: { price: i, country: r.pick(COUNTRIES), device: 'mobile', title: `t${i}` },
        prediction: r.pick(CLASSES),
        scores: { purchase: 0.3, click: 0.4, ignore: 0.3 },
      }),
    );
    await storePredictions(predictions);
    const events = predictions
      .filter(() => r.chance(0.5))
      .map((p) =>
        anEvent(p.id as string, {
          model,
          type: r.pick(['click', 'purchase']),
          timestamp: new Date(Date.parse(p.timestamp as string) + MIN).toISOString(),
        }),
      );
    await storeEvents(events);
    await settle();

    const batch = await t
      .http()
      .post(`/api/v1/models/${model}/labeling-batches`)
      .set('Authorization', admin)
      .send({ size: 24, auditFraction: 1, includeDirect: true, seed: 7 });
    expect(batch.status, JSON.stringify(batch.body)).toBe(201);
    let audited = 0;
    for (;;) {
      const next = await get(`/api/v1/models/${model}/labeling/next`);
      if (next.status !== 200) break;
      const done = await t
        .http()
        .post(`/api/v1/labeling/tasks/${next.body.taskId as string}`)
        .set('Authorization', labeler)
        .send({ label: r.pick(CLASSES) });
      expect(done.status, JSON.stringify(done.body)).toBe(200);
      audited++;
    }
    expect(audited).toBeGreaterThan(10);
    for (const p of predictions.filter(() => r.chance(0.3))) {
      const res = await t
        .http()
        .post('/api/v1/labels')
        .set('Authorization', labeler)
        .send({ model, predictionId: p.id, label: r.pick(CLASSES) });
      expect(res.status).toBe(201);
    }
    await settle();

    const check = await t.app.get(SliceRollups).check(model);
    expect(check).toMatchObject({ pending: 0, mismatches: 0, quality: { mismatches: 0 } });

    const quality = await get(`/api/v1/models/${model}/label-quality`);
    expect(quality.status).toBe(200);
    const expected = await rawAgreement(model);
    expect(expected.size).toBeGreaterThan(1);
    const got = new Map(
      (
        quality.body.sources as {
          source: string;
          rule?: string;
          n: number;
          agreement: number;
          nAudit: number;
          confusion: unknown;
        }[]
      ).map((s) => [`${s.source}/${s.rule ?? ''}`, s]),
    );
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [id, e] of expected) {
      const s = got.get(id)!;
      expect(s, id).toMatchObject({ n: e.n, nAudit: e.nAudit, confusion: e.confusion });
      expect(s.agreement, id).toBeCloseTo(e.agree / e.n, 12);
    }

    const raw = await t.tables.all<{ prediction: string; label: string }>(
      `SELECT p.prediction, l.label FROM predictions p JOIN labels l ON l.model = p.model AND l.prediction_id = p.id
       WHERE p.model = ? AND l.source = 'audit'`,
      [model],
    );
    const slices = await get(`/api/v1/models/${model}/slices`);
    expect(slices.status).toBe(200);
    const overall = slices.body.overall;
    expect(overall.estimated).toMatchObject({ method: 'audit_only', n: predictions.length, nAudit: raw.length });
    expect(overall.estimated.accuracy).toBeCloseTo(raw.filter((x) => x.prediction === x.label).length / raw.length, 12);
    expect(overall.estimatedReason).toBeNull();
    expect(overall.audit.needed).toBeGreaterThan(0);
  });

  it('gives no estimate, with the reason, without audit labels, and plans the audit', async () => {
    const model = 'quality-none';
    await registerModel(t.http, t.adminToken, model, SHOP_MODEL);
    const predictions = Array.from({ length: 20 }, (_, i) => aPrediction({ id: `${model}-${i}`, model }));
    await storePredictions(predictions);
    for (const p of predictions.slice(0, 5)) {
      await t
        .http()
        .post('/api/v1/labels')
        .set('Authorization', labeler)
        .send({ model, predictionId: p.id, label: 'click' })
        .expect(201);
    }
    await settle();
    const res = await get(`/api/v1/models/${model}/slices?targetHalfWidth=0.1`);
    expect(res.status).toBe(200);
    expect(res.body.overall).toMatchObject({ accuracy: 1, estimated: null, estimatedReason: 'no_audit_labels', biased: false });
    // n0 = 1.96^2 * 0.25 / 0.1^2 = 96.04; with the finite-population correction 96.04 / (1 + 96.04/20) = 16.55.
    expect(res.body.overall.audit).toEqual({ needed: 17, targetHalfWidth: 0.1 });
    expect(res.body.slices[0]).toMatchObject({ estimated: null, estimatedReason: 'no_audit_labels', biased: false });
    const quality = await get(`/api/v1/models/${model}/label-quality`);
    expect(quality.body).toEqual({ model, sources: [], bySlice: [] });
    expect((await get(`/api/v1/models/${model}/slices?targetHalfWidth=2`)).status).toBe(400);
    expect((await get('/api/v1/models/nope/label-quality')).status).toBe(404);
  });

  it('estimates a slice from its audit labels alone when it has no behaviour labels', async () => {
    const model = 'quality-audit-only';
    await registerModel(t.http, t.adminToken, model, SHOP_MODEL);
    const predictions = Array.from({ length: 40 }, (_, i) =>
      aPrediction({ id: `${model}-${i}`, model, features: { price: i, country: 'fr', device: 'desktop', title: 't' } }),
    );
    await storePredictions(predictions);
    const labels = t.app.get(LabelsService);
    for (const [i, p] of predictions.slice(0, 10).entries())
      await labels.label({ model, predictionId: p.id as string, label: i < 7 ? 'click' : 'ignore', source: 'audit' }, auditor);
    await settle();
    const res = await get(`/api/v1/models/${model}/slices`);
    const fr = (res.body.slices as { key: string; value: string; estimated: Record<string, unknown> }[]).find(
      (s) => s.key === 'country' && s.value === 'fr',
    )!;
    expect(fr.estimated).toMatchObject({ method: 'audit_only', n: 40, nAudit: 10, accuracy: 0.7 });
    expect(fr.estimated.note).toMatch(/no behaviour labels/);
  });

  it('covers the true accuracy where loop-biased behaviour labels put label accuracy far off, and flags the slice', async () => {
    const model = 'quality-loop';
    await registerModel(t.http, t.adminToken, model, { ...SHOP_MODEL, ...SHOP_RULES, eventGrace: '1ms' });
    const now = Date.now();
    const size = 400;
    // The model says click for everything; 40% are clicks. The loop: users click 70% of the wrong
    // items too (a click label where the truth is ignore); the rest get the implicit "ignore".
    const truth = (i: number) => (i % 5 < 2 ? 'click' : 'ignore');
    const predictions = Array.from({ length: size }, (_, i) =>
      aPrediction({
        id: `${model}-${i}`,
        model,
        timestamp: new Date(now - (180 + (i % 300)) * MIN).toISOString(),
        features: { price: i, country: 'us', device: 'mobile', title: 't' },
        prediction: 'click',
      }),
    );
    await storePredictions(predictions);
    const clicked = predictions.filter((_, i) => truth(i) === 'click' || i % 10 < 7);
    await storeEvents(
      clicked.map((p) =>
        anEvent(p.id as string, {
          model,
          type: 'click',
          timestamp: new Date(Date.parse(p.timestamp as string) + MIN).toISOString(),
        }),
      ),
    );
    await settle();
    const r = new SeededRandom(99);
    const audit = r.shuffle([...predictions.keys()]).slice(0, 100);
    const labels = t.app.get(LabelsService);
    for (const i of audit)
      await labels.label({ model, predictionId: `${model}-${i}`, label: truth(i), source: 'audit' }, auditor);
    await settle();

    const trueAccuracy = predictions.filter((_, i) => truth(i) === 'click').length / size;
    const res = await get(`/api/v1/models/${model}/slices`);
    const us = (
      res.body.slices as {
        key: string;
        value: string;
        accuracy: number;
        estimated: { ci: [number, number]; method: string; n: number };
        biased: boolean;
      }[]
    ).find((s) => s.key === 'country' && s.value === 'us')!;
    expect(us.estimated).toMatchObject({ method: expect.stringMatching(/^ppi/), n: size });
    expect(us.estimated.ci[0]).toBeLessThanOrEqual(trueAccuracy);
    expect(us.estimated.ci[1]).toBeGreaterThanOrEqual(trueAccuracy);
    expect(us.accuracy - trueAccuracy).toBeGreaterThan(0.2);
    expect(us.biased).toBe(true);
    expect(res.body.overall.biased).toBe(true);

    const quality = await get(`/api/v1/models/${model}/label-quality`);
    const direct = (
      quality.body.sources as {
        source: string;
        rule?: string;
        audit: { agreement: number };
        perClass: Record<string, { status: string }>;
      }[]
    ).find((s) => s.source === 'direct')!;
    expect(direct.rule).toBe('click');
    expect(direct.audit.agreement).toBeLessThan(0.7);
    expect(direct.perClass.purchase.status).toBe('not measured');
  });
});

describe('the label-quality page and the queue-audit button', () => {
  it('shows each source with audit-only figures beside, and is linked from the slices page', async () => {
    const session = await signIn(t.http, await t.tokenFor('labeler', 'page-reader'));
    const quality = await openPage(t.http, session, '/models/quality-loop/quality');
    expect(quality.status).toBe(200);
    expect(quality.text).toContain('Direct (event rule) · click');
    expect(quality.text).toContain('Audit labels only');
    expect(quality.text).toContain('not measured');
    expect((await openPage(t.http, session, '/models/nope/quality')).status).toBe(404);
    const slices = await openPage(t.http, session, '/models/quality-loop/slices?window=all');
    expect(slices.text).toContain('href="/models/quality-loop/quality"');
    expect(slices.text).toContain('biased labels');
    expect(slices.text).not.toContain('/slices/audit-batch');
  });

  it('queues the audit a slice needs for an admin, with the CSRF token only', async () => {
    const session = await signIn(t.http, t.adminToken);
    const html = (await openPage(t.http, session, '/models/quality-none/slices?window=all')).text;
    const size = /name="size" value="(\d+)"/.exec(html)?.[1];
    expect(Number(size)).toBeGreaterThan(0);
    const form = { key: 'country', value: 'de', size: size!, back: 'window=all' };
    await t
      .http()
      .post('/models/quality-none/slices/audit-batch')
      .set('Cookie', session.cookie)
      .type('form')
      .send(form)
      .expect(403);
    const res = await postForm(t.http, session, '/models/quality-none/slices/audit-batch', form);
    expect(res.status).toBe(303);
    const batchId = new URL(res.headers.location as string, 'http://x').searchParams.get('batch');
    expect(batchId).toBeTruthy();
    const batch = await t.http().get(`/api/v1/labeling-batches/${batchId}`).set('Authorization', admin);
    expect(batch.status).toBe(200);
    expect(batch.body).toMatchObject({
      size: Number(size),
      audit: { fraction: 1, design: { mode: 'by_slice', sliceKey: 'country', sliceValue: 'de' } },
    });
    expect((await postForm(t.http, session, '/models/quality-none/slices/audit-batch', { ...form, size: '0' })).status).toBe(400);
  });
});
