import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Principal } from '../../src/auth/roles.decorator.js';
import { main as rebuildCli } from '../../src/cli/rebuild.js';
import { SeededRandom } from '../../src/common/random.js';
import { EventsService } from '../../src/events/events.service.js';
import { JobQueue, QueueName } from '../../src/jobs/job-queue.js';
import { LabelOutbox } from '../../src/labels/label-outbox.repository.js';
import { LabelsService } from '../../src/labels/labels.service.js';
import { SliceRollups } from '../../src/slices/rollups.service.js';
import { SlicesProcessor } from '../../src/slices/slices.processor.js';
import { SlicesService } from '../../src/slices/slices.service.js';
import { anEvent, SHOP_RULES } from '../factories/events.js';
import { registerModel } from '../factories/models.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { startTestApp, type TestApp } from '../support/app.js';

const MIN = 60_000;
const CLASSES = SHOP_MODEL.classes;
const COUNTRIES = ['de', 'fr', 'us'];
const DEVICES = ['mobile', 'desktop'];

let t: TestApp;
let ingest: string;
let labelerA: string;
const labelerB: Principal = { tokenId: 'labeler-b', name: 'bea', role: 'labeler', via: 'bearer' };
const auditor: Principal = { tokenId: 'auditor', name: 'aud', role: 'labeler', via: 'bearer' };

beforeAll(async () => {
  t = await startTestApp();
  ingest = `Bearer ${await t.tokenFor('ingest')}`;
  labelerA = `Bearer ${await t.tokenFor('labeler', 'alice')}`;
});
afterAll(() => t?.close());

async function settle(app = t.app): Promise<void> {
  const jobs = app.get(JobQueue);
  await app.get(EventsService).requestJoin();
  await jobs.drain(QueueName.Labels);
  await app.get(SlicesProcessor).requestRollup();
  await jobs.drain(QueueName.Slices);
}

async function registerRandomModel(name: string): Promise<void> {
  // No grace: back-dated predictions get their implicit labels as soon as the join runs.
  await registerModel(t.http, t.adminToken, name, { ...SHOP_MODEL, ...SHOP_RULES, eventGrace: '1ms' });
}

/** Random predictions, then a random sequence of label writes, with rollups running in between. */
async function randomHistory(model: string, seed: number, predictionCount: number, steps: number): Promise<void> {
  const r = new SeededRandom(seed); // seeded, so that a failing sequence can be replayed
  const now = Date.now();
  const predictions = Array.from({ length: predictionCount }, (_, i) =>
    aPrediction({
      id: `${model}-${i}`,
      model,
      modelVersion: r.pick(['v1', 'v2']),
      timestamp: new Date(now - (1 + r.int(3 * 24 * 60)) * MIN).toISOString(),
      features: { price: 1, country: r.pick(COUNTRIES), device: r.pick(DEVICES), title: 't' },
      prediction: r.pick(CLASSES),
    }),
  );
  expect((await t.http().post('/api/v1/predictions').set('Authorization', ingest).send({ predictions })).status).toBe(201);
  const labels = t.app.get(LabelsService);
  for (let step = 0; step < steps; step++) {
    const p = r.pick(predictions);
    const id = p.id as string;
    const roll = r.next();
    if (roll < 0.25) {
      const res = await t
        .http()
        .post('/api/v1/labels')
        .set('Authorization', labelerA)
        .send({ model, predictionId: id, label: r.pick(CLASSES) });
      expect(res.status).toBe(201);
    } else if (roll < 0.4) {
      await labels.label({ model, predictionId: id, label: r.pick(CLASSES), source: 'manual' }, labelerB);
    } else if (roll < 0.5) {
      await labels.withdraw(model, id, 'manual', labelerB);
    } else if (roll < 0.6) {
      await labels.label({ model, predictionId: id, label: r.pick(CLASSES), source: 'audit' }, auditor);
    } else if (roll < 0.9) {
      const ts = Math.min(Date.parse(p.timestamp as string) + (r.int(95) - 4) * MIN, Date.now() - 1000);
      const type = r.pick(['click', 'purchase', 'dwell']);
      const event = anEvent(id, {
        model,
        type,
        timestamp: new Date(ts).toISOString(),
        ...(type === 'dwell' ? { value: r.int(61) } : {}),
      });
      expect((await t.http().post('/api/v1/events').set('Authorization', ingest).send(event)).status).toBe(202);
      // No waiting for the join: it races the label writes that follow, as in production.
    } else if (roll < 0.95) {
      await t.app.get(SlicesProcessor).requestRollup();
    } else {
      await settle();
    }
  }
  await settle();
}

interface RawRow {
  model_version: string;
  ts: number;
  prediction: string;
  slices: string;
  effective_label: string;
  effective_source: string;
}

/** The oracle: counts straight from the prediction rows, written independently of the rollup code. */
async function rawCounts(model: string, keep: (row: RawRow) => boolean = () => true) {
  const rows = await t.tables.all<RawRow>(
    `SELECT model_version, ts, prediction, slices, effective_label, effective_source FROM predictions
     WHERE model = ? AND effective_label IS NOT NULL`,
    [model],
  );
  const counts = new Map<string, { n: number; correct: number }>();
  const add = (key: string, correct: boolean) => {
    const c = counts.get(key) ?? { n: 0, correct: 0 };
    counts.set(key, { n: c.n + 1, correct: c.correct + (correct ? 1 : 0) });
  };
  for (const row of rows.filter(keep)) {
    const s = JSON.parse(row.slices) as Record<string, string>;
    const correct = row.prediction === row.effective_label;
    for (const key of ['*', `country=${s.country}`, `device=${s.device}`, `country×device=${s.country}×${s.device}`])
      add(key, correct);
  }
  return counts;
}

async function reportedCounts(model: string, query: Parameters<SlicesService['report']>[1] = {}) {
  const report = await t.app.get(SlicesService).report(model, query);
  const counts = new Map<string, { n: number; correct: number }>();
  if (report.overall.n > 0) counts.set('*', { n: report.overall.n, correct: report.overall.correct });
  for (const s of report.slices) counts.set(`${s.key}=${s.value}`, { n: s.n, correct: s.correct });
  return counts;
}

describe('slice rollups', () => {
  it.each([
    [1, 20251126],
    [2, 777],
  ])('equal a recomputation from the rows after a random history of label changes (run %i, seed %i)', async (run, seed) => {
    const model = `prop${run}`;
    await registerRandomModel(model);
    await randomHistory(model, seed, 40, 160);
    const rollups = t.app.get(SliceRollups);
    expect(await rollups.check(model)).toMatchObject({
      pending: 0,
      mismatches: 0,
      examples: [],
      quality: { mismatches: 0 },
      feedback: { mismatches: 0 },
    });
    const sorted = (m: Map<string, unknown>) => [...m.entries()].sort(([a], [b]) => a.localeCompare(b));
    expect(sorted(await reportedCounts(model))).toEqual(sorted(await rawCounts(model)));
    for (const source of ['manual', 'audit', 'direct', 'implicit'] as const) {
      const raw = await rawCounts(model, (row) => row.effective_source === source);
      expect(raw.get('*')?.n, `the history has ${source} labels`).toBeGreaterThan(0);
      expect(sorted(await reportedCounts(model, { source }))).toEqual(
        sorted(await rawCounts(model, (row) => row.effective_source === source)),
      );
    }
    const from = Date.now() - 36 * 60 * MIN;
    expect(sorted(await reportedCounts(model, { from, version: 'v2' }))).toEqual(
      sorted(
        await rawCounts(model, (row) => row.model_version === 'v2' && Number(row.ts) >= Math.floor(from / (60 * MIN)) * 60 * MIN),
      ),
    );
    const [start, end] = [Date.now() - 60 * 60 * MIN, Date.now() - 2 * 60 * MIN];
    const hour = 60 * MIN;
    expect(sorted(await reportedCounts(model, { from: start, to: end }))).toEqual(
      sorted(
        await rawCounts(
          model,
          (row) => Number(row.ts) >= Math.floor(start / hour) * hour && Number(row.ts) < Math.ceil(end / hour) * hour,
        ),
      ),
    );
  });

  it('rebuilds exactly the cells that the incremental updates built', async () => {
    const model = 'rebuilt';
    await registerRandomModel(model);
    await randomHistory(model, 4242, 30, 80);
    const cells = () =>
      t.tables.all(
        `SELECT * FROM slice_cells WHERE model = ? ORDER BY grain, bucket, model_version, slice_key, slice_value, source, actual, predicted`,
        [model],
      );
    const before = await cells();
    expect(before.length).toBeGreaterThan(0);
    const [result] = await t.app.get(SliceRollups).rebuild(model);
    expect(result).toMatchObject({ model, cells: before.length, absorbed: 0 });
    expect(await cells()).toEqual(before);
  });

  it('applies each outbox row once when several rollups run at the same time', async () => {
    const model = 'concurrent';
    await registerRandomModel(model);
    await randomHistory(model, 5, 30, 0);
    const labels = t.app.get(LabelsService);
    for (let i = 0; i < 30; i++) {
      for (const label of CLASSES) await labels.label({ model, predictionId: `${model}-${i}`, label, source: 'audit' }, auditor);
    }
    const rollups = t.app.get(SliceRollups);
    const applied = await Promise.all([1, 2, 3, 4].map(() => rollups.applyPending()));
    await settle();
    expect(applied.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(90);
    expect(await rollups.check(model)).toMatchObject({ pending: 0, mismatches: 0, quality: { mismatches: 0 } });
  });

  it('finds drifted cells with the rebuild CLI and repairs them', async () => {
    const model = 'drifted';
    await registerRandomModel(model);
    await randomHistory(model, 31337, 20, 30);
    await t.tables.run(`UPDATE slice_cells SET n = n + 5 WHERE model = ? AND slice_key = '*' AND grain = 'all'`, [model]);
    const run = async (...argv: string[]) => {
      let out = '';
      const code = await rebuildCli(argv, t.env, { out: (text) => (out += text), err: (text) => (out += text) });
      return { code, out };
    };
    const checked = await run('--model', model, '--check');
    expect(checked.code).toBe(1);
    expect(checked.out).toMatch(new RegExp(`^${model}: \\d+ cells, [1-9]\\d* differ from the rows`));
    const example = /\n {2}v\d \*=\* all time \w+ \w+\/\w+: (\d+), expected (\d+)\n/.exec(checked.out);
    expect(example, checked.out).not.toBeNull();
    expect(Number(example![1])).toBe(Number(example![2]) + 5);
    expect(await run('--model', model)).toMatchObject({
      code: 0,
      out: expect.stringMatching(new RegExp(`^${model}: \\d+ labeled predictions, \\d+ cells`)),
    });
    expect(await run('--model', model, '--check')).toMatchObject({ code: 0 });
    expect(await run('--model', 'ghost')).toMatchObject({ code: 1, out: 'error: no model named ghost\n' });
    expect((await run('--colour')).code).toBe(2);
  });

  it('loses nothing and applies nothing twice when a rollup transaction fails', async () => {
    const model = 'failing';
    await registerRandomModel(model);
    await randomHistory(model, 99, 20, 10);
    const rollups = t.app.get(SliceRollups);
    const before = await rollups.check(model);
    expect(before).toMatchObject({ pending: 0, mismatches: 0 });
    const outbox = t.app.get(LabelOutbox);
    const failure = vi.spyOn(outbox, 'markProcessed').mockRejectedValue(new Error('crash after the cells were written'));
    try {
      const labels = t.app.get(LabelsService);
      for (let i = 0; i < 5; i++)
        await labels.label({ model, predictionId: `${model}-${i}`, label: 'purchase', source: 'audit' }, auditor);
      // The chunk fails, then its oldest row alone: that row's failure is counted, nothing is applied.
      expect(await rollups.applyChunk()).toBe(0);
      expect(await t.tables.count('label_changes', 'model = ? AND attempts = 1 AND dead_lettered_at IS NULL', [model])).toBe(1);
      const during = await rollups.check(model);
      expect(during.pending).toBeGreaterThan(0);
      expect(during.cells).toBe(before.cells);
    } finally {
      failure.mockRestore();
    }
    await settle();
    expect(await rollups.check(model)).toMatchObject({ pending: 0, mismatches: 0 });
  });
});
