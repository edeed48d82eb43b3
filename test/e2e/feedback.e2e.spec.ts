import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/common/random.js';
import type { FeedbackCheck, FeedbackReport } from '../../src/feedback/feedback.types.js';
import { registerModel } from '../factories/models.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { eventually } from '../support/eventually.js';

/**
 * A spam filter in a closed loop: it delivers (shows) only the mail it predicts ham, users report
 * only spam they were shown (and miss some of it), and mail nobody reported becomes implicit "ham".
 */
const MAIL_MODEL = {
  classes: ['ham', 'spam'],
  sliceKeys: ['region'],
  labelRules: [{ event: 'report', label: 'spam', within: '30m', priority: 10 }],
  implicitLabel: { label: 'ham', after: '30m' },
  // A short grace, so that windows of mail logged "in the past" close within the test.
  eventGrace: '1s',
};

const MIN = 60_000;
const HOUR = 60 * MIN;
const MAILS = 400;

let t: TestApp;
let ingest: string;
let reader: string;
const now = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();

interface World {
  model: string;
  /** Share of traffic delivered regardless of the prediction, with propensities logged. */
  exploration: number;
  seed: number;
}

/** Posts the world's mail and reports through the public API; returns how many mails get a label. */
async function simulate(w: World): Promise<number> {
  const rng = new SeededRandom(w.seed);
  const predictions: Record<string, unknown>[] = [];
  const events: Record<string, unknown>[] = [];
  const mail = (id: string, ts: number, itemId: string) => {
    const spam = rng.chance(0.4);
    const predicted = rng.chance(0.85) === spam ? 'spam' : 'ham';
    const explore = rng.chance(w.exploration);
    const shown = explore || predicted === 'ham';
    const p = predicted === 'spam' ? 0.8 : 0.2;
    const exposure = explore
      ? { policy: 'explore', propensity: w.exploration, shown }
      : { policy: 'model', shown, ...(w.exploration > 0 ? { propensity: 1 - w.exploration } : {}) };
    predictions.push({
      id,
      model: w.model,
      modelVersion: 'v1',
      timestamp: iso(ts),
      itemId,
      features: {},
      prediction: predicted,
      scores: { spam: p, ham: 1 - p },
      slices: { region: 'eu' },
      exposure,
    });
    if (shown && spam && rng.chance(0.7)) {
      events.push({ id: `ev-${id}`, model: w.model, predictionId: id, type: 'report', timestamp: iso(ts + 5 * MIN) });
    }
    return shown;
  };
  let labeled = 0;
  // The previous window spreads exposure over twenty senders; this one piles it onto one.
  for (let i = 0; i < 40; i++) if (mail(`old-${i}`, now - 6 * HOUR + i * MIN, `sender-${i % 20}`)) labeled++;
  for (let i = 0; i < MAILS; i++) {
    const sender = rng.chance(0.8) ? 'sender-0' : `sender-${rng.int(20)}`;
    if (mail(`m-${i}`, now - 3 * HOUR + i * 20_000, sender)) labeled++;
  }
  const posted = await t.http().post('/api/v1/predictions').set('Authorization', ingest).send({ predictions });
  expect(posted.status).toBe(201);
  const reported = await t.http().post('/api/v1/events').set('Authorization', ingest).send({ events });
  expect(reported.status).toBe(202);
  return labeled;
}

/** Waits until every shown mail has its label (reports become direct labels, the rest implicit ones). */
async function untilLabeled(model: string, expected: number): Promise<void> {
  await eventually(async () => {
    const res = await t.http().get(`/api/v1/models/${model}/slices`).set('Authorization', reader);
    expect(res.status).toBe(200);
    expect((res.body as { overall: { n: number } }).overall.n).toBe(expected);
  }, 45_000);
}

const window = `from=${iso(now - 4 * HOUR)}&to=${iso(now)}`;

async function reportOf(model: string, query = window): Promise<FeedbackReport & { byName: Record<string, FeedbackCheck> }> {
  const res = await t.http().get(`/api/v1/models/${model}/feedback-report?${query}`).set('Authorization', reader);
  expect(res.status).toBe(200);
  const body = res.body as FeedbackReport;
  return { ...body, byName: Object.fromEntries(body.checks.map((c) => [c.name, c])) };
}

beforeAll(async () => {
  t = await startTestApp();
  ingest = `Bearer ${await t.tokenFor('ingest')}`;
  reader = `Bearer ${await t.tokenFor('labeler')}`;
  await registerModel(t.http, t.adminToken, 'loop', MAIL_MODEL);
  await registerModel(t.http, t.adminToken, 'explored', MAIL_MODEL);
  const [loop, explored] = [
    await simulate({ model: 'loop', exploration: 0, seed: 6 }),
    await simulate({ model: 'explored', exploration: 0.1, seed: 6 }),
  ];
  await untilLabeled('loop', loop);
  await untilLabeled('explored', explored);
});
afterAll(() => t.close());

describe('the feedback-loop report on a simulated degenerate loop', () => {
  it('blocks on a loop with no exploration and warns on its symptoms', async () => {
    const r = await reportOf('loop');
    expect(r).toMatchObject({
      model: 'loop',
      window: { from: iso(now - 4 * HOUR), to: iso(now) },
      version: null,
      worst: 'block',
    });
    expect(r.checks.map((c) => c.name)).toEqual([
      'exploration_share',
      'model_driven_label_share',
      'self_agreement_gap',
      'selection_coverage',
      'implicit_label_echo',
      'class_prior_shift',
      'exposure_concentration',
      'missing_propensities',
      'behaviour_label_quality',
    ]);
    expect(r.byName.behaviour_label_quality.severity).toBe('unknown');
    expect(r.recommendation).toEqual({ mitigation: expect.any(String), reason: expect.stringContaining('no human label') });
    expect(r.byName.exploration_share).toMatchObject({ value: 0, threshold: 0.05, severity: 'block' });
    expect(r.byName.model_driven_label_share).toMatchObject({ value: 1, severity: 'warn' });
    expect(r.byName.selection_coverage).toMatchObject({ value: null, severity: 'block' });
    expect(r.byName.selection_coverage.explanation).toMatch(/"spam" got no label at all/);
    expect(r.byName.implicit_label_echo).toMatchObject({ value: 1, severity: 'warn' });
    expect(r.byName.exposure_concentration.severity).toBe('warn');
    expect(r.byName.exposure_concentration.value).toBeGreaterThan(0.1);
    expect(r.byName.missing_propensities).toMatchObject({ value: 1, severity: 'warn' });
    expect(r.byName.missing_propensities.action).toMatch(/log propensities/);
  });

  it('says why what it cannot compute is unknown', async () => {
    const r = await reportOf('loop');
    expect(r.byName.self_agreement_gap).toMatchObject({ value: null, severity: 'unknown' });
    expect(r.byName.self_agreement_gap.explanation).toMatch(/no audit or exploration labels/);
    expect(r.byName.class_prior_shift).toMatchObject({ value: null, severity: 'unknown' });
    expect(r.byName.class_prior_shift.explanation).toMatch(/no previous export/);
  });

  it('clears the exploration and propensity warnings once 10% of traffic explores with logged propensities', async () => {
    const r = await reportOf('explored');
    expect(r.byName.exploration_share.severity).toBe('ok');
    expect(r.byName.exploration_share.value).toBeGreaterThan(0.05);
    expect(r.byName.missing_propensities).toMatchObject({ value: 0, severity: 'ok' });
    expect(r.byName.model_driven_label_share.severity).toBe('ok');
    const gap = r.byName.self_agreement_gap;
    expect(gap.severity).not.toBe('unknown');
    expect(gap.interval![0]).toBeLessThan(gap.value!);
    expect(gap.interval![1]).toBeGreaterThan(gap.value!);
    // Exploration labels "spam" predictions at 10% of the rate of "ham" ones: still a selection to weight.
    expect(r.byName.selection_coverage.severity).toBe('warn');
    expect(r.byName.selection_coverage.action).toMatch(/ips_weights/);
  });

  it('compares the class prior with the counts of the latest finished export', async () => {
    const admin = `Bearer ${t.adminToken}`;
    const body = { format: 'jsonl', acknowledgeWarnings: true, acknowledgeBlocking: true };
    const created = await t.http().post('/api/v1/models/explored/exports').set('Authorization', admin).send(body);
    expect(created.status).toBe(202);
    const id = (created.body as { id: string }).id;
    await eventually(async () => {
      const res = await t.http().get(`/api/v1/exports/${id}`).set('Authorization', admin);
      expect(res.body).toMatchObject({ status: 'done' });
    });
    const shift = (await reportOf('explored')).byName.class_prior_shift;
    // The export holds the same labels plus the previous window's, so the prior barely moved.
    expect(shift.severity).toBe('ok');
    expect(shift.value).toBeGreaterThanOrEqual(0);
    expect(shift.value).toBeLessThan(0.1);
    expect(shift.explanation).toMatch(/since the previous export/);
  });

  it('reads only the asked version and says that nothing is labeled', async () => {
    const r = await reportOf('loop', `${window}&version=v2`);
    expect(r.version).toBe('v2');
    expect(r.worst).toBe('ok');
    expect(r.checks.every((c) => c.severity === 'unknown')).toBe(true);
    expect(r.byName.exploration_share.explanation).toMatch(/no labeled predictions/);
  });
});

describe('the feedback report route', () => {
  it('is readable by labelers and admins, not by ingest tokens, and by nobody anonymous', async () => {
    const status = async (auth?: string) => {
      const req = t.http().get('/api/v1/models/loop/feedback-report');
      return (auth ? await req.set('Authorization', auth) : await req).status;
    };
    expect(await status(reader)).toBe(200);
    expect(await status(`Bearer ${t.adminToken}`)).toBe(200);
    expect(await status(ingest)).toBe(403);
    expect(await status()).toBe(401);
  });

  it.each([
    ['from=yesterday', 'from'],
    ['to=2026-13-01T00:00:00Z', 'to'],
    [`from=${iso(now)}&to=${iso(now - HOUR)}`, 'to'],
    ['version=', 'version'],
  ])('answers 400 to %s naming the field', async (query, field) => {
    const res = await t.http().get(`/api/v1/models/loop/feedback-report?${query}`).set('Authorization', reader);
    expect(res.status).toBe(400);
    expect((res.body as { details: { field: string }[] }).details.map((d) => d.field)).toContain(field);
  });

  it('answers 404 for an unknown model', async () => {
    const res = await t.http().get('/api/v1/models/nope/feedback-report').set('Authorization', reader);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ message: 'model_not_found' });
  });
});
