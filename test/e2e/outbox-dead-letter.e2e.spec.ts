import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobQueue, QueueName } from '../../src/jobs/job-queue.js';
import { PROFILE_JOB } from '../../src/monitoring/monitoring.processor.js';
import { SliceRollups } from '../../src/slices/rollups.service.js';
import { SlicesProcessor } from '../../src/slices/slices.processor.js';
import { registerModel } from '../factories/models.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
let admin: string;
let labeler: string;

beforeAll(async () => {
  // Profiles off: ingest leaves no profile markers, so the test writes exactly the ones it means.
  t = await startTestApp({ OUTBOX_MAX_ATTEMPTS: '3', MONITORING_PROFILES: 'off' });
  admin = `Bearer ${t.adminToken}`;
  labeler = `Bearer ${await t.tokenFor('labeler')}`;
  await registerModel(t.http, t.adminToken, 'shop', SHOP_MODEL);
});
afterAll(() => t?.close());

async function rollUp(): Promise<void> {
  await t.app.get(SlicesProcessor).requestRollup();
  await t.app.get(JobQueue).drain(QueueName.Slices);
}

async function label(id: string): Promise<void> {
  await t
    .http()
    .post('/api/v1/labels')
    .set('Authorization', labeler)
    .send({ model: 'shop', predictionId: id, label: 'click' })
    .expect(201);
}

async function outboxRow(seq: number) {
  return t.tables.get<{
    attempts: number;
    dead_lettered_at: number | null;
    processed_at: number | null;
    last_error: string | null;
  }>('SELECT attempts, dead_lettered_at, processed_at, last_error FROM label_changes WHERE seq = ?', [seq]);
}

/** A change whose prediction the rollup cannot read (its stored slices are not JSON), as corruption would leave it. */
async function poisonedChange(id: string): Promise<number> {
  await t.http().post('/api/v1/predictions').set('Authorization', admin).send(aPrediction({ id })).expect(201);
  await t.tables.run("UPDATE predictions SET slices = '{not json' WHERE model = 'shop' AND id = ?", [id]);
  await t.tables.run(
    `INSERT INTO label_changes (model, prediction_id, new_label, new_source, created_at) VALUES ('shop', ?, 'click', 'manual', ?)`,
    [id, Date.now()],
  );
  const row = await t.tables.get<{ seq: number }>('SELECT MAX(seq) AS seq FROM label_changes WHERE prediction_id = ?', [id]);
  return Number(row!.seq);
}

describe('a label change the rollups cannot apply', () => {
  it('is retried, then dead-lettered, while every other change still rolls up; /metrics and /health count it', async () => {
    const good = Array.from({ length: 4 }, (_, i) => aPrediction({ id: `dl-${i}` }));
    await t.http().post('/api/v1/predictions').set('Authorization', admin).send({ predictions: good }).expect(201);
    await label('dl-0');
    await label('dl-1');
    const poisoned = await poisonedChange('dl-poison');
    await label('dl-2');
    await label('dl-3');

    await rollUp();
    // Changes before the poisoned one are applied; it has failed (once, or twice if the 2 s schedule ran
    // too); the ones after wait behind it. Each run tries it once more, until the third failure.
    const first = await outboxRow(poisoned);
    expect(first).toMatchObject({ dead_lettered_at: null, processed_at: null });
    expect(first!.attempts).toBeGreaterThanOrEqual(1);
    for (let run = 0; run < 10 && (await outboxRow(poisoned))?.dead_lettered_at === null; run++) await rollUp();
    const dead = await outboxRow(poisoned);
    expect(dead).toMatchObject({ attempts: 3, processed_at: null });
    expect(dead?.dead_lettered_at).not.toBeNull();
    expect(dead?.last_error).toMatch(/JSON/);
    await rollUp();

    expect(await t.tables.count('label_changes', "model = 'shop' AND processed_at IS NULL AND dead_lettered_at IS NULL")).toBe(0);
    const slices = await t.http().get('/api/v1/models/shop/slices').set('Authorization', labeler);
    expect(slices.body.overall.n).toBe(4);

    const metrics = await t.http().get('/metrics').set('Authorization', admin);
    expect(metrics.text).toMatch(/^relabel_outbox_dead_lettered\{outbox="label_changes"\} 1$/m);
    // The rollup lag counts only rows that can still be applied.
    expect(metrics.text).toMatch(/^relabel_rollup_lag_seconds 0$/m);
    const health = await t.http().get('/health');
    expect(health.status).toBe(200);
    expect(health.body.deadLetters).toEqual({ labelChanges: 1, profileMarkers: 0 });
    expect(health.text).not.toMatch(/JSON|not json/);
  });

  it("sets aside the poisoned prediction's later changes with it, and a rebuild after the repair absorbs them", async () => {
    await t.tables.run(
      `INSERT INTO label_changes (model, prediction_id, old_label, old_source, new_label, new_source, created_at)
       VALUES ('shop', 'dl-poison', 'click', 'manual', 'ignore', 'manual', ?)`,
      [Date.now()],
    );
    await rollUp();
    expect(await t.tables.count('label_changes', "prediction_id = 'dl-poison' AND dead_lettered_at IS NOT NULL")).toBe(2);
    expect(await t.tables.count('label_changes', "prediction_id = 'dl-poison' AND processed_at IS NOT NULL")).toBe(0);

    // The operator repairs what made it fail, then rebuilds the model's rollups from the rows.
    await t.tables.run(
      `UPDATE predictions SET slices = '{"country":"de","device":"mobile"}' WHERE model = 'shop' AND id = 'dl-poison'`,
    );
    await t.app.get(SliceRollups).rebuild('shop');
    const health = await t.http().get('/health');
    expect(health.body.deadLetters).toEqual({ labelChanges: 0, profileMarkers: 0 });
    const check = await t.app.get(SliceRollups).check('shop');
    expect(check).toMatchObject({ pending: 0, mismatches: 0 });
  });
});

describe('a profile marker the profile job cannot apply', () => {
  async function profile(): Promise<void> {
    const jobs = t.app.get(JobQueue);
    await jobs.add(QueueName.Monitoring, PROFILE_JOB, {}, { jobId: 'monitoring-profile' });
    await jobs.drain(QueueName.Monitoring);
  }

  async function marker(ids: string[]): Promise<number> {
    await t.tables.run("INSERT INTO monitoring_pending (model, ids, created_at) VALUES ('mon', ?, ?)", [
      JSON.stringify(ids),
      Date.now(),
    ]);
    const row = await t.tables.get<{ seq: number }>('SELECT MAX(seq) AS seq FROM monitoring_pending');
    return Number(row!.seq);
  }

  it('is retried, then dead-lettered, while the markers after it are profiled; /metrics and /health count it', async () => {
    await registerModel(t.http, t.adminToken, 'mon', SHOP_MODEL);
    const predictions = ['mon-a', 'mon-poison', 'mon-c'].map((id) => aPrediction({ id, model: 'mon' }));
    await t.http().post('/api/v1/predictions').set('Authorization', admin).send({ predictions }).expect(201);
    await t.tables.run("UPDATE predictions SET features = '{not json' WHERE model = 'mon' AND id = 'mon-poison'");
    await marker(['mon-a']);
    const poisoned = await marker(['mon-poison']);
    await marker(['mon-c']);

    const state = () =>
      t.tables.get<{ attempts: number; dead_lettered_at: number | null }>(
        'SELECT attempts, dead_lettered_at FROM monitoring_pending WHERE seq = ?',
        [poisoned],
      );
    await profile();
    const once = await state();
    expect(once?.dead_lettered_at).toBeNull();
    expect(once!.attempts).toBeGreaterThanOrEqual(1);
    for (let run = 0; run < 10 && (await state())?.dead_lettered_at === null; run++) await profile();

    const left = await t.tables.all<{
      seq: number;
      attempts: number;
      dead_lettered_at: number | null;
      last_error: string | null;
    }>('SELECT seq, attempts, dead_lettered_at, last_error FROM monitoring_pending');
    expect(left).toHaveLength(1);
    expect(Number(left[0].seq)).toBe(poisoned);
    expect(left[0].attempts).toBe(3);
    expect(left[0].dead_lettered_at).not.toBeNull();
    expect(left[0].last_error).toMatch(/JSON/);
    // mon-a and mon-c are in the profiles: two predictions in the overall cell of their hour.
    expect(await t.tables.count('monitoring_profiles', "model = 'mon'")).toBeGreaterThan(0);

    const metrics = await t.http().get('/metrics').set('Authorization', admin);
    expect(metrics.text).toMatch(/^relabel_outbox_dead_lettered\{outbox="monitoring_pending"\} 1$/m);
    const health = await t.http().get('/health');
    expect(health.body.deadLetters).toMatchObject({ profileMarkers: 1 });
    expect(health.text).not.toMatch(/JSON|not json/);
  });
});
