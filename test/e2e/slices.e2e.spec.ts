import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/auth/roles.decorator.js';
import { JobQueue, QueueName } from '../../src/jobs/job-queue.js';
import { LabelsService } from '../../src/labels/labels.service.js';
import { SliceRollups } from '../../src/slices/rollups.service.js';
import { SlicesProcessor } from '../../src/slices/slices.processor.js';
import { SlicesService } from '../../src/slices/slices.service.js';
import { wilson } from '../../src/slices/wilson.js';
import { anEvent } from '../factories/events.js';
import { registerModel } from '../factories/models.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { startTestApp, type TestApp } from '../support/app.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Two whole UTC days in the past: day1 and day2.
const day1 = Math.floor(Date.now() / DAY) * DAY - 2 * DAY;
const day2 = day1 + DAY;
const iso = (ms: number) => new Date(ms).toISOString();
const auditor: Principal = { tokenId: 'auditor-token', name: 'auditor', role: 'labeler', via: 'bearer' };

type Row = [country: string, device: string, version: string, ts: number, predicted: string, label: string, source: string];

// The known dataset: 15 labeled predictions, 10 correct (see the expected numbers in each test).
const ROWS: Row[] = [
  ...Array.from({ length: 5 }, (): Row => ['de', 'mobile', 'v1', day1 + 10 * HOUR + 60_000, 'click', 'click', 'manual']),
  ['de', 'mobile', 'v1', day1 + 10 * HOUR + 120_000, 'click', 'ignore', 'manual'],
  ['fr', 'desktop', 'v1', day1 + 10 * HOUR + 180_000, 'click', 'click', 'manual'],
  ...Array.from({ length: 3 }, (): Row => ['fr', 'desktop', 'v1', day1 + 11 * HOUR + 60_000, 'click', 'purchase', 'manual']),
  ['de', 'desktop', 'v2', day2 + 5 * HOUR, 'purchase', 'purchase', 'audit'],
  ['de', 'desktop', 'v2', day2 + 5 * HOUR + 60_000, 'purchase', 'purchase', 'audit'],
  ['de', 'desktop', 'v2', day2 + 5 * HOUR + 120_000, 'purchase', 'click', 'audit'],
  ['de', 'desktop', 'v2', day2 + 6 * HOUR, 'purchase', 'purchase', 'direct'],
  ['de', 'desktop', 'v2', day2 + 6 * HOUR + 60_000, 'purchase', 'purchase', 'direct'],
];

const ACC_MODEL = {
  ...SHOP_MODEL,
  labelRules: [{ event: 'purchase', label: 'purchase', within: '7d', priority: 20 }],
  alerts: { minSupport: 4, minGap: 0 },
};

let t: TestApp;
let admin: string;
let reader: string;

async function seed(): Promise<void> {
  const ingest = `Bearer ${await t.tokenFor('ingest')}`;
  const labeler = `Bearer ${await t.tokenFor('labeler')}`;
  const predictions = ROWS.map(([country, device, version, ts, predicted], i) =>
    aPrediction({
      id: `p${i}`,
      model: 'acc',
      modelVersion: version,
      timestamp: iso(ts),
      features: { price: 1, country, device, title: 'x' },
      prediction: predicted,
      scores: { purchase: 0.2, click: 0.2, ignore: 0.2, [predicted]: 0.6 },
    }),
  );
  const unlabeled = aPrediction({ id: 'unlabeled', model: 'acc', timestamp: iso(day1 + 12 * HOUR) });
  const res = await t
    .http()
    .post('/api/v1/predictions')
    .set('Authorization', ingest)
    .send({ predictions: [...predictions, unlabeled] });
  expect(res.status).toBe(201);
  const events: Record<string, unknown>[] = [];
  for (const [i, [, , , ts, , label, source]] of ROWS.entries()) {
    if (source === 'manual') {
      const r = await t
        .http()
        .post('/api/v1/labels')
        .set('Authorization', labeler)
        .send({ model: 'acc', predictionId: `p${i}`, label });
      expect(r.status).toBe(201);
    } else if (source === 'audit') {
      await t.app.get(LabelsService).label({ model: 'acc', predictionId: `p${i}`, label, source: 'audit' }, auditor);
    } else {
      events.push(anEvent(`p${i}`, { model: 'acc', type: 'purchase', timestamp: iso(ts + 30 * 60_000) }));
    }
  }
  expect((await t.http().post('/api/v1/events').set('Authorization', ingest).send({ events })).status).toBe(202);
  const jobs = t.app.get(JobQueue);
  await jobs.drain(QueueName.Labels);
  await t.app.get(SlicesProcessor).requestRollup();
  await jobs.drain(QueueName.Slices);
  expect(await t.app.get(SliceRollups).pending('acc')).toBe(0);
}

beforeAll(async () => {
  t = await startTestApp();
  admin = `Bearer ${t.adminToken}`;
  reader = `Bearer ${await t.tokenFor('labeler')}`;
  await registerModel(t.http, t.adminToken, 'acc', ACC_MODEL);
  await seed();
});
afterAll(() => t.close());

const get = async (path: string, auth = reader) => {
  const res = await t.http().get(path).set('Authorization', auth);
  return res;
};
const report = async (query = '') => {
  const res = await get(`/api/v1/models/acc/slices${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as {
    window: { from: string | null; to: string | null };
    overall: { n: number; correct: number; accuracy: number; ci: [number, number]; perClass: Record<string, unknown> };
    audit: { n: number; accuracy: number; ci: [number, number] } | null;
    slices: {
      key: string;
      value: string;
      n: number;
      correct: number;
      accuracy: number;
      ci: [number, number];
      delta: number;
      flagged: boolean;
      flagReason: string | null;
      perClass: Record<string, { precision: number | null; recall: number | null; f1: number | null; support: number }>;
    }[];
  };
};
const flags = (body: Awaited<ReturnType<typeof report>>) =>
  body.slices.filter((s) => s.flagged).map((s) => `${s.key}=${s.value}:${s.flagReason}`);
const sliceOf = (body: Awaited<ReturnType<typeof report>>, key: string, value: string) =>
  body.slices.find((s) => s.key === key && s.value === value);

describe('GET /api/v1/models/:model/slices', () => {
  it('reports the overall accuracy with its Wilson interval, and audit accuracy beside it', async () => {
    const body = await report();
    expect(body.overall).toMatchObject({ n: 15, correct: 10, accuracy: 10 / 15 });
    expect(body.overall.ci[0]).toBeCloseTo(wilson(10, 15)[0], 12);
    expect(body.overall.ci[1]).toBeCloseTo(wilson(10, 15)[1], 12);
    expect(body.audit).toEqual({ n: 3, correct: 2, accuracy: 2 / 3, ci: wilson(2, 3) });
    expect(body.window).toEqual({ from: null, to: null });
  });

  it('reports per-class precision, recall, F1 and support', async () => {
    const { overall } = await report();
    const f1 = (p: number, r: number) => (2 * p * r) / (p + r);
    expect(overall.perClass).toEqual({
      purchase: { precision: 4 / 5, recall: 4 / 7, f1: f1(4 / 5, 4 / 7), support: 7 },
      click: { precision: 6 / 10, recall: 6 / 7, f1: f1(6 / 10, 6 / 7), support: 7 },
      ignore: { precision: null, recall: 0, f1: null, support: 1 },
    });
  });

  it('reports every slice value and declared cross with accuracy, interval and delta', async () => {
    const body = await report();
    expect(body.slices.map((s) => [s.key, s.value, s.n, s.correct])).toEqual([
      ['country', 'de', 11, 9],
      ['country', 'fr', 4, 1],
      ['device', 'desktop', 9, 5],
      ['device', 'mobile', 6, 5],
      ['country×device', 'de×desktop', 5, 4],
      ['country×device', 'de×mobile', 6, 5],
      ['country×device', 'fr×desktop', 4, 1],
    ]);
    const fr = sliceOf(body, 'country', 'fr')!;
    expect(fr.accuracy).toBe(0.25);
    expect(fr.ci).toEqual(wilson(1, 4));
    expect(fr.delta).toBeCloseTo(0.25 - 10 / 15, 12);
    expect(fr.perClass.click).toEqual({ precision: 0.25, recall: 1, f1: 0.4, support: 1 });
  });

  it('flags a slice whose interval lies wholly below the rest of the model', async () => {
    // fr: 1/4, upper bound 0.699 < the rest's 9/11. desktop: 5/9, upper 0.811 < mobile's 5/6.
    // de×mobile: 5/6, upper 0.970, not below the rest's 5/9.
    expect(flags(await report())).toEqual([
      'country=fr:below_rest',
      'device=desktop:below_rest',
      'country×device=fr×desktop:below_rest',
    ]);
  });

  it("flags only gaps wider than the model's alerts.minGap", async () => {
    await registerModel(t.http, t.adminToken, 'acc', { ...ACC_MODEL, alerts: { minSupport: 4, minGap: 0.05 } });
    try {
      // desktop's upper bound 0.811 is only 0.022 below mobile's 5/6; fr's 0.699 is 0.119 below its rest.
      expect(flags(await report())).toEqual(['country=fr:below_rest', 'country×device=fr×desktop:below_rest']);
    } finally {
      await registerModel(t.http, t.adminToken, 'acc', ACC_MODEL);
    }
  });

  it("follows the model's alerts.minSupport and alerts.minAccuracy", async () => {
    await registerModel(t.http, t.adminToken, 'acc', { ...ACC_MODEL, alerts: { minSupport: 5, minAccuracy: 0.9 } });
    try {
      // fr has too little support now; desktop's upper bound 0.811 is below 0.9; de's (9/11) reaches 0.949.
      expect(flags(await report())).toEqual(['device=desktop:below_min_accuracy']);
    } finally {
      await registerModel(t.http, t.adminToken, 'acc', ACC_MODEL);
    }
  });

  it('counts only labels of the chosen source', async () => {
    const manual = await report('?source=manual');
    expect(manual.overall).toMatchObject({ n: 10, correct: 6 });
    expect(manual.slices.map((s) => s.value)).not.toContain('de×desktop');
    const direct = await report('?source=direct');
    expect(direct.overall).toMatchObject({ n: 2, correct: 2 });
    expect((await report('?source=implicit')).overall).toMatchObject({ n: 0, accuracy: null, ci: null });
  });

  it('counts only the chosen model version, with audit null when it has no audit labels', async () => {
    const v1 = await report('?version=v1');
    expect(v1.overall).toMatchObject({ n: 10, correct: 6 });
    expect(v1.audit).toBeNull();
    expect((await report('?version=v2')).overall).toMatchObject({ n: 5, correct: 4 });
  });

  it('counts only predictions made in the window, widened to whole hours', async () => {
    const hour10 = await report(`?from=${iso(day1 + 10 * HOUR + 30 * 60_000)}&to=${iso(day1 + 10 * HOUR + 40 * 60_000)}`);
    expect(hour10.window).toEqual({ from: iso(day1 + 10 * HOUR), to: iso(day1 + 11 * HOUR) });
    expect(hour10.overall).toMatchObject({ n: 7, correct: 6 });
    const secondDay = await report(`?from=${iso(day2)}`);
    expect(secondDay.overall).toMatchObject({ n: 5, correct: 4 });
    const acrossDays = await report(`?from=${iso(day1 + 11 * HOUR)}&to=${iso(day2 + 6 * HOUR)}`);
    expect(acrossDays.overall).toMatchObject({ n: 6, correct: 2 });

    // Windows covering most of the data, which are read as all time minus what lies outside them.
    const sinceEleven = await report(`?from=${iso(day1 + 11 * HOUR)}`);
    expect(sinceEleven.overall).toMatchObject({ n: 8, correct: 4 });
    expect(sinceEleven.audit).toMatchObject({ n: 3, correct: 2 });
    expect(sliceOf(sinceEleven, 'country', 'fr')).toMatchObject({ n: 3, correct: 0 });
    expect((await report(`?from=${iso(day1 + HOUR)}&to=${iso(day2 + 6 * HOUR)}`)).overall).toMatchObject({ n: 13, correct: 8 });
  });

  it.each([
    ['from', '?from=yesterday'],
    ['to', '?to=2026-13-01'],
    ['to', `?from=${iso(day2)}&to=${iso(day1)}`],
    ['source', '?source=everything'],
    ['version', `?version=${'v'.repeat(101)}`],
    ['unknown', '?unknown=1'],
  ])('answers a bad %s with 400 naming the field', async (field, query) => {
    const res = await get(`/api/v1/models/acc/slices${query}`);
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it('gives the label accuracy alone (the monitoring page reads it) exactly as the report counts it', async () => {
    const windows: [string, { from?: number; to?: number; version?: string }][] = [
      ['', {}],
      ['?version=v1', { version: 'v1' }],
      [
        `?from=${iso(day1 + 10 * HOUR + 30 * 60_000)}&to=${iso(day1 + 10 * HOUR + 40 * 60_000)}`,
        { from: day1 + 10 * HOUR + 30 * 60_000, to: day1 + 10 * HOUR + 40 * 60_000 },
      ],
      [`?from=${iso(day1 + 11 * HOUR)}&to=${iso(day2 + 6 * HOUR)}`, { from: day1 + 11 * HOUR, to: day2 + 6 * HOUR }],
      [`?from=${iso(day1 + 11 * HOUR)}`, { from: day1 + 11 * HOUR }],
      [`?from=${iso(day1 + HOUR)}&to=${iso(day2 + 6 * HOUR)}`, { from: day1 + HOUR, to: day2 + 6 * HOUR }],
    ];
    for (const [query, window] of windows) {
      const full = await report(query);
      const alone = await t.app.get(SlicesService).labelAccuracy('acc', window);
      expect(alone.overall, query).toEqual({ n: full.overall.n, accuracy: full.overall.accuracy });
      expect(alone.slices.map((s) => `${s.key}=${s.value}`).sort(), query).toEqual(
        full.slices.map((s) => `${s.key}=${s.value}`).sort(),
      );
      for (const s of alone.slices)
        expect(s, query).toEqual({
          key: s.key,
          value: s.value,
          n: sliceOf(full, s.key, s.value)!.n,
          accuracy: sliceOf(full, s.key, s.value)!.accuracy,
        });
    }
    expect((await t.app.get(SlicesService).labelAccuracy('acc', { version: 'v2' })).overall).toEqual({ n: 5, accuracy: 0.8 });
  });

  it('answers an unknown model with 404', async () => {
    const res = await get('/api/v1/models/ghost/slices');
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('model_not_found');
  });

  it('may be read by labelers and admins, not by ingest tokens nor anonymously', async () => {
    expect((await get('/api/v1/models/acc/slices', reader)).status).toBe(200);
    expect((await get('/api/v1/models/acc/slices', `Bearer ${await t.tokenFor('ingest')}`)).status).toBe(403);
    expect((await get('/api/v1/models/acc/slices', admin)).status).toBe(200);
    expect((await t.http().get('/api/v1/models/acc/slices')).status).toBe(401);
  });
});

describe('GET /api/v1/models/:model/slices/:key/:value/series', () => {
  const series = async (path: string) => {
    const res = await get(`/api/v1/models/acc/slices/${path}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { bucket: string; points: { t: string; n: number; correct: number; accuracy: number; ci: number[] }[] };
  };

  it('gives the whole model by day', async () => {
    const body = await series('*/*/series?bucket=day');
    expect(body.bucket).toBe('day');
    expect(body.points.map((p) => [p.t, p.n, p.correct])).toEqual([
      [iso(day1), 10, 6],
      [iso(day2), 5, 4],
    ]);
    expect(body.points[1].ci).toEqual(wilson(4, 5));
  });

  it('gives a slice by hour, in the window', async () => {
    const body = await series(`country/fr/series?bucket=hour&from=${iso(day1)}&to=${iso(day2)}`);
    expect(body.points.map((p) => [p.t, p.n, p.correct, p.accuracy])).toEqual([
      [iso(day1 + 10 * HOUR), 1, 1, 1],
      [iso(day1 + 11 * HOUR), 3, 0, 0],
    ]);
  });

  it('gives a cross by day, filtered by source', async () => {
    const key = encodeURIComponent('country×device');
    const value = encodeURIComponent('de×desktop');
    const body = await series(`${key}/${value}/series?source=audit`);
    expect(body.points.map((p) => [p.t, p.n, p.correct])).toEqual([[iso(day2), 3, 2]]);
  });

  it('counts day buckets at the window edges from their hours only', async () => {
    const body = await series(`*/*/series?from=${iso(day1 + 11 * HOUR)}&to=${iso(day2 + 6 * HOUR)}`);
    expect(body.points.map((p) => [p.t, p.n])).toEqual([
      [iso(day1), 3],
      [iso(day2), 3],
    ]);
  });

  it('answers an undeclared key with 404 and a bad bucket with 400', async () => {
    expect((await get('/api/v1/models/acc/slices/colour/red/series')).status).toBe(404);
    const bad = await get('/api/v1/models/acc/slices/country/de/series?bucket=week');
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([expect.objectContaining({ field: 'bucket' })]);
  });
});
