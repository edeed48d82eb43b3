import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/auth/roles.decorator.js';
import { createApp } from '../../src/app.factory.js';
import { SeededRandom } from '../../src/common/random.js';
import { loadConfig } from '../../src/config/config.js';
import { openDatabase } from '../../src/database/data-source.js';
import { EventsService } from '../../src/events/events.service.js';
import { FeedbackRepository, type LabelCounts, type PredictionFilter } from '../../src/feedback/feedback.repository.js';
import type { GiniStats } from '../../src/feedback/distribution-checks.js';
import { JobQueue, QueueName } from '../../src/jobs/job-queue.js';
import { LabelsService } from '../../src/labels/labels.service.js';
import { SliceRollups } from '../../src/slices/rollups.service.js';
import { SlicesProcessor } from '../../src/slices/slices.processor.js';
import { anEvent, SHOP_RULES } from '../factories/events.js';
import { registerModel } from '../factories/models.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { startTestApp, type TestApp, testEnvironment } from '../support/app.js';
import { tablesAt } from '../support/tables.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const CLASSES = SHOP_MODEL.classes;
const labeler: Principal = { tokenId: 'fc-labeler', name: 'fay', role: 'labeler', via: 'bearer' };
const auditor: Principal = { tokenId: 'fc-auditor', name: 'aud', role: 'labeler', via: 'bearer' };

async function settle(app: NestExpressApplication): Promise<void> {
  const jobs = app.get(JobQueue);
  await app.get(EventsService).requestJoin();
  await jobs.drain(QueueName.Labels);
  await app.get(SlicesProcessor).requestRollup();
  await jobs.drain(QueueName.Slices);
}

/** Predictions over three days with every kind of exposure, from a small pool of items, so that items repeat. */
function randomPredictions(model: string, r: SeededRandom, count: number, now: number) {
  return Array.from({ length: count }, (_, i) => {
    const exposure = r.pick([
      undefined,
      { policy: 'model', propensity: 0.9, shown: true },
      { policy: 'explore', propensity: 0.1, shown: true },
      { policy: 'model', shown: false },
      { policy: 'none' },
      { shown: true },
    ]);
    return aPrediction({
      id: `${model}-${i}`,
      model,
      modelVersion: r.pick(['v1', 'v2']),
      timestamp: new Date(now - (1 + r.int(3 * 24 * 60)) * MIN).toISOString(),
      features: { price: 1, country: r.pick(['de', 'fr']), device: 'mobile', title: 't' },
      prediction: r.pick(CLASSES),
      ...(r.next() < 0.8 ? { itemId: `item-${r.int(12)}` } : {}),
      ...(exposure ? { exposure } : {}),
    });
  });
}

/** Labels of every source: manual, audit, withdrawn manual, and behaviour events the join turns into labels. */
async function randomLabels(
  app: NestExpressApplication,
  http: TestApp['http'],
  ingest: string,
  model: string,
  ids: string[],
  r: SeededRandom,
  steps: number,
) {
  const labels = app.get(LabelsService);
  for (let step = 0; step < steps; step++) {
    const id = r.pick(ids);
    const roll = r.next();
    if (roll < 0.3) await labels.label({ model, predictionId: id, label: r.pick(CLASSES), source: 'manual' }, labeler);
    else if (roll < 0.4) await labels.withdraw(model, id, 'manual', labeler);
    else if (roll < 0.55) await labels.label({ model, predictionId: id, label: r.pick(CLASSES), source: 'audit' }, auditor);
    else {
      const type = r.pick(['click', 'purchase']);
      const res = await http().post('/api/v1/events').set('Authorization', ingest).send(anEvent(id, { model, type }));
      expect(res.status).toBe(202);
    }
  }
}

interface Row {
  model_version: string;
  ts: number | string;
  prediction: string;
  effective_label: string | null;
  effective_source: string | null;
  exposure_policy: string | null;
  propensity: number | null;
  item_id: string | null;
  shown: number | boolean | null;
}

/** The oracle: the report's counts straight from the rows, in plain code. */
function expectedCounts(rows: readonly Row[], f: PredictionFilter) {
  const inWindow = rows.filter(
    (r) =>
      (f.from === null || Number(r.ts) >= f.from) &&
      (f.to === null || Number(r.ts) < f.to) &&
      (f.version === null || r.model_version === f.version),
  );
  const composition = new Map<string, number>();
  const coverage = new Map<string, [number, number]>();
  const labelsByClass: Record<string, number> = {};
  for (const r of inWindow) {
    const c = coverage.get(r.prediction) ?? [0, 0];
    c[0]++;
    if (r.effective_label !== null) c[1]++;
    coverage.set(r.prediction, c);
    if (r.effective_label === null) continue;
    labelsByClass[r.effective_label] = (labelsByClass[r.effective_label] ?? 0) + 1;
    const key = JSON.stringify([
      r.exposure_policy,
      r.effective_source,
      r.effective_label === r.prediction,
      r.propensity === null,
    ]);
    composition.set(key, (composition.get(key) ?? 0) + 1);
  }
  const perItem = new Map<string, number>();
  for (const r of inWindow) {
    if (r.item_id === null || r.shown === 0 || r.shown === false) continue;
    perItem.set(r.item_id, (perItem.get(r.item_id) ?? 0) + 1);
  }
  const sorted = [...perItem.values()].sort((a, b) => a - b);
  const gini: GiniStats = {
    items: sorted.length,
    total: sorted.reduce((s, c) => s + c, 0),
    rankWeighted: sorted.reduce((s, c, i) => s + (i + 1) * c, 0),
  };
  return {
    composition: [...composition.entries()].sort(),
    coverage: [...coverage.entries()].sort(),
    labelsByClass: Object.entries(labelsByClass).sort(),
    gini,
  };
}

function normalized(counts: LabelCounts, gini: GiniStats) {
  return {
    composition: counts.composition
      .map((c) => [JSON.stringify([c.policy, c.source, c.agrees, c.missingPropensity]), c.n] as [string, number])
      .sort(),
    coverage: counts.coverage.map((c) => [c.predicted, [c.predictions, c.labeled]] as [string, [number, number]]).sort(),
    labelsByClass: Object.entries(counts.labelsByClass).sort(),
    gini,
  };
}

async function rowsOf(tables: TestApp['tables'], model: string): Promise<Row[]> {
  return tables.all<Row>(
    `SELECT model_version, ts, prediction, effective_label, effective_source, exposure_policy, propensity, item_id, shown
     FROM predictions WHERE model = ?`,
    [model],
  );
}

let t: TestApp;
let ingest: string;

beforeAll(async () => {
  t = await startTestApp();
  ingest = `Bearer ${await t.tokenFor('ingest')}`;
});
afterAll(() => t?.close());

describe('the feedback report read from maintained cells', () => {
  it('counts exactly what the rows say, over the whole log and over windows with partial hours at either end', async () => {
    const model = 'fbcells';
    await registerModel(t.http, t.adminToken, model, { ...SHOP_MODEL, ...SHOP_RULES, eventGrace: '1ms' });
    const r = new SeededRandom(20261202);
    const now = Date.now();
    const predictions = randomPredictions(model, r, 300, now);
    for (let i = 0; i < predictions.length; i += 100) {
      const res = await t
        .http()
        .post('/api/v1/predictions')
        .set('Authorization', ingest)
        .send({ predictions: predictions.slice(i, i + 100) });
      expect(res.status).toBe(201);
    }
    const ids = predictions.map((p) => p.id as string);
    await randomLabels(t.app, t.http, ingest, model, ids, r, 150);
    await settle(t.app);
    await randomLabels(t.app, t.http, ingest, model, ids, r, 60);
    await settle(t.app);

    const check = await t.app.get(SliceRollups).check(model);
    expect(check.pending).toBe(0);
    expect(check.feedback).toMatchObject({ mismatches: 0, examples: [] });
    expect(check.feedback.cells).toBeGreaterThan(20);

    const rows = await rowsOf(t.tables, model);
    expect(rows.filter((row) => row.effective_label !== null).length, 'the history labels predictions').toBeGreaterThan(60);
    const odd = 17 * MIN + 123; // no window below starts or ends on an hour
    const windows: Omit<PredictionFilter, 'model'>[] = [
      { from: null, to: null, version: null },
      { from: null, to: null, version: 'v2' },
      { from: now - 30 * HOUR - odd, to: null, version: null },
      { from: null, to: now - 20 * HOUR + odd, version: null },
      { from: now - 50 * HOUR - odd, to: now - 3 * HOUR + odd, version: 'v1' },
      { from: now - 10 * HOUR + odd, to: now - 10 * HOUR + odd + 20 * MIN, version: null },
      { from: now - 40 * HOUR - odd, to: now - 39 * HOUR + odd, version: null },
    ];
    const repository = t.app.get(FeedbackRepository);
    for (const w of windows) {
      const f = { model, ...w };
      const read = await repository.inSnapshot(async (reads) =>
        normalized(await reads.labelCounts(f), await reads.exposureStats(f)),
      );
      const expected = expectedCounts(rows, f);
      expect(read, JSON.stringify(w)).toEqual(expected);
      if (w.from === null && w.to === null) expect(expected.gini.items).toBeGreaterThan(5);
    }

    // Label changes the rollup has not applied yet (an export's gate runs right after labels come in).
    const labels = t.app.get(LabelsService);
    for (const id of ids.slice(0, 40)) {
      await labels.label({ model, predictionId: id, label: r.pick(CLASSES), source: r.pick(['manual', 'audit']) }, labeler);
      if (r.next() < 0.3) await labels.label({ model, predictionId: id, label: r.pick(CLASSES), source: 'manual' }, labeler);
    }
    expect((await t.app.get(SliceRollups).check(model)).pending).toBeGreaterThan(20);
    const now2 = await rowsOf(t.tables, model);
    for (const w of windows) {
      const f = { model, ...w };
      const read = await repository.inSnapshot(async (reads) =>
        normalized(await reads.labelCounts(f), await reads.exposureStats(f)),
      );
      expect(read, `before the rollup: ${JSON.stringify(w)}`).toEqual(expectedCounts(now2, f));
    }
  });
});

describe('the feedback cells migration', () => {
  it('fills the cells so that label changes still pending at upgrade land where they belong', async () => {
    const env = await testEnvironment('relabel-fbmig-');
    const tables = tablesAt({ dataDir: env.dataDir, databaseUrl: env.databaseUrl });
    const model = 'fbmig';
    let app: NestExpressApplication | null = null;
    const start = async () => {
      app = await createApp(loadConfig(env.env));
      await app.init();
      return app;
    };
    try {
      const first = await start();
      const http = () => request(first.getHttpServer());
      await registerModel(http, env.adminToken, model, { ...SHOP_MODEL, ...SHOP_RULES, eventGrace: '1ms' });
      const ingestToken = (
        await http().post('/api/v1/tokens').set('Authorization', `Bearer ${env.adminToken}`).send({ role: 'ingest', name: 'mig' })
      ).body.token as string;
      const r = new SeededRandom(7);
      const predictions = randomPredictions(model, r, 120, Date.now());
      expect(
        (await http().post('/api/v1/predictions').set('Authorization', `Bearer ${ingestToken}`).send({ predictions })).status,
      ).toBe(201);
      const ids = predictions.map((p) => p.id as string);
      await randomLabels(first, http, `Bearer ${ingestToken}`, model, ids, r, 80);
      await settle(first);
      // Label changes the rollup has not applied when the service stops for the upgrade.
      const labels = first.get(LabelsService);
      for (const id of ids.slice(0, 30))
        await labels.label({ model, predictionId: id, label: r.pick(CLASSES), source: 'manual' }, labeler);
      await first.close();
      app = null;
      expect(await tables.count('label_changes', 'processed_at IS NULL')).toBeGreaterThan(5);

      // Back to before the migration, then forward again: the cells are filled from the rows.
      const dataSource = await openDatabase({ DATA_DIR: env.dataDir, DATABASE_URL: env.databaseUrl });
      try {
        const at = dataSource.migrations.findIndex((m) => m.name === 'FeedbackCells1764300000000');
        expect(at).toBeGreaterThan(0);
        for (let i = dataSource.migrations.length; i > at; i--) await dataSource.undoLastMigration({ transaction: 'each' });
        expect(await tables.count('label_changes', 'processed_at IS NULL')).toBeGreaterThan(5);
        await dataSource.runMigrations({ transaction: 'each' });
      } finally {
        await dataSource.destroy();
      }

      const second = await start();
      await settle(second);
      const check = await second.get(SliceRollups).check(model);
      expect(check).toMatchObject({ pending: 0, mismatches: 0, feedback: { mismatches: 0 } });
      expect(check.feedback.cells).toBeGreaterThan(10);
    } finally {
      if (app) await (app as NestExpressApplication).close();
      await tables.close();
      await env.cleanup();
    }
  });
});
