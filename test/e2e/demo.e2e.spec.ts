import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RelabelClient } from '../../clients/ts/src/index.js';
import { CLICK_WINDOW_MS, IMPLICIT_AFTER_MS } from '../../src/demo/behaviour.js';
import { DEMO_BATCH, ensureDemoBatch } from '../../src/demo/labeling-batch.js';
import { MODEL_NAME, type Outcome, SHOP_RECOMMENDER_MODEL } from '../../src/demo/shop-world.js';
import { Simulator } from '../../src/demo/simulator.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { eventually, sleep } from '../support/eventually.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface PredictionBody {
  id: string;
  timestamp: string;
  receivedAt: string;
  events: { id: string; type: string; timestamp: string; state: string; receivedAt: string }[];
  labels: { label: string; source: string; by: string; eventIds: string[] }[];
  effectiveLabel: { label: string; source: string } | null;
}

describe('demo simulator against the real service over HTTP', () => {
  let testApp: TestApp;
  let simulator: Simulator;
  let baseUrl: string;
  const startedAt = Date.now();

  beforeAll(async () => {
    testApp = await startTestApp();
    await testApp.app.listen(0, '127.0.0.1');
    baseUrl = await testApp.app.getUrl();
    simulator = new Simulator({ baseUrl, adminToken: testApp.adminToken, seed: 7, runId: 'e2e' });
    await simulator.setUp();
  });

  afterAll(async () => {
    await simulator?.tearDown();
    await testApp?.close();
  });

  const admin = () => ({ Authorization: `Bearer ${testApp.adminToken}` });
  const read = async (id: string): Promise<PredictionBody> => {
    const res = await testApp
      .http()
      .get(`/api/v1/models/${MODEL_NAME}/predictions/${encodeURIComponent(id)}`)
      .set(admin());
    expect(res.status).toBe(200);
    return res.body as PredictionBody;
  };
  /** Predictions labelled by hand in this run; the other tests leave them out. */
  let byHand: { predictionId: string; label: string }[] = [];
  const notByHand = (id: string) => !byHand.some((m) => m.predictionId === id);

  it('registers shop-recommender with its slices, schema, label rules and implicit label', async () => {
    const res = await testApp.http().get(`/api/v1/models/${MODEL_NAME}`).set(admin());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: MODEL_NAME,
      classes: ['purchase', 'click', 'ignore'],
      sliceKeys: ['country', 'device', 'weather'],
      sliceCrosses: [['country', 'device']],
      featureSchema: SHOP_RECOMMENDER_MODEL.featureSchema,
      labelRules: SHOP_RECOMMENDER_MODEL.labelRules,
      implicitLabel: { label: 'ignore', after: '30m' },
    });
  });

  it('creates an ingest token named demo-simulator', async () => {
    const res = await testApp.http().get('/api/v1/tokens').set(admin());
    expect(res.status).toBe(200);
    const tokens = (res.body as { tokens: { name: string; role: string; revokedAt: string | null }[] }).tokens;
    expect(tokens.filter((t) => t.name === 'demo-simulator' && t.revokedAt === null).map((t) => t.role)).toEqual(['ingest']);
  });

  it('backfills 2,000 predictions spread over the past day that can be read back as sent', async () => {
    const totals = await simulator.backfill({ days: 1, perDay: 2000 });
    expect(totals).toEqual({ sent: 2000, accepted: 2000, duplicates: 0 });

    const ids = simulator.predictionIds();
    expect(ids).toHaveLength(2000);
    for (const id of [ids[0], ids[999], ids[1999]]) {
      const res = await testApp
        .http()
        .get(`/api/v1/models/${MODEL_NAME}/predictions/${encodeURIComponent(id)}`)
        .set(admin());
      expect(res.status).toBe(200);
      const truth = simulator.truthOf(id)!;
      expect(res.body).toMatchObject({
        id,
        model: MODEL_NAME,
        modelVersion: truth.modelVersion,
        itemId: truth.itemId,
        timestamp: new Date(truth.ts).toISOString(),
      });
      expect(Object.keys(res.body.slices).sort()).toEqual(['country', 'device', 'weather']);
      const scores = res.body.scores as Record<string, number>;
      expect(scores[res.body.prediction]).toBe(Math.max(...Object.values(scores)));
      expect(['model', 'explore', 'none']).toContain(res.body.exposure.policy);
      expect(res.body.exposure.propensity).toBeGreaterThan(0);
    }
    const oldest = simulator.truthOf(ids[0])!.ts;
    const newest = simulator.truthOf(ids[1999])!.ts;
    expect(oldest).toBeGreaterThanOrEqual(startedAt - 86_400_000 - 60_000);
    expect(newest).toBeLessThan(Date.now());
    expect(newest - oldest).toBeGreaterThan(20 * 3_600_000);
  });

  it("sends its users' events with the backfill: joined at once, before their prediction, or late", () => {
    const events = simulator.eventTotals;
    expect(events.sent).toBeGreaterThan(1000);
    expect(events).toMatchObject({ accepted: events.sent, duplicates: 0 });
    expect(events.joined + events.pending).toBe(events.accepted);
    expect(events.joined).toBeGreaterThan(100);
    expect(events.pending).toBeGreaterThan(100);
    expect(events.late).toBeGreaterThan(0);
    expect(events.late / events.sent).toBeLessThan(0.08);
    expect(simulator.stats.heldBack).toBeGreaterThan(0);
    expect(simulator.examples.early.length).toBeGreaterThan(0);
    expect(simulator.examples.late.length).toBeGreaterThan(0);
  });

  it('labels predictions by hand with a labeler token named demo-labeler, mostly agreeing with the truth', async () => {
    const result = await simulator.labelByHand({ count: 40 });
    expect(result).toMatchObject({ sent: 40 });
    expect(result.agreeWithTruth).toBeGreaterThan(25);
    expect(new Set(result.labels.map((l) => l.predictionId)).size).toBe(40);
    byHand = result.labels;
    const res = await testApp.http().get('/api/v1/tokens').set(admin());
    const tokens = (res.body as { tokens: { name: string; role: string; revokedAt: string | null }[] }).tokens;
    expect(tokens.filter((t) => t.name === 'demo-labeler' && t.revokedAt === null).map((t) => t.role)).toEqual(['labeler']);
  });

  it('gets labels of every source from the label job: direct from clicks and purchases, implicit, manual', async () => {
    const now = Date.now();
    const settled = simulator
      .predictionIds()
      .filter((id) => notByHand(id) && simulator.truthOf(id)!.ts < now - IMPLICIT_AFTER_MS - MINUTE);
    const some = (outcome: Outcome) =>
      settled
        .filter((id) => {
          const truth = simulator.truthOf(id)!;
          return truth.outcome === outcome && (truth.purchaseAfterMs === null || truth.ts + truth.purchaseAfterMs < now - MINUTE);
        })
        .slice(0, 4);
    const expected = [
      ...some('purchase').map((id) => [id, { label: 'purchase', source: 'direct' }] as const),
      ...some('click').map((id) => [id, { label: 'click', source: 'direct' }] as const),
      ...some('ignore').map((id) => [id, { label: 'ignore', source: 'implicit' }] as const),
    ];
    expect(expected).toHaveLength(12);
    await eventually(
      async () => {
        for (const [id, effective] of expected) {
          const p = await read(id);
          expect(p.effectiveLabel).toEqual(effective);
          // The deciding click reached the service before the window closed: no stray implicit label.
          expect(p.labels.map((l) => [l.source, l.label])).toEqual([[effective.source, effective.label]]);
        }
        for (const { predictionId, label } of byHand.slice(0, 10)) {
          const p = await read(predictionId);
          expect(p.effectiveLabel).toEqual({ label, source: 'manual' });
          expect(p.labels).toContainEqual(expect.objectContaining({ source: 'manual', label, by: 'demo-labeler' }));
        }
        const sample = await simulator.sampleLabels(200);
        expect(sample.predictions).toBe(200);
        expect(sample.unsettled).toBe(0);
        expect(sample.withLabel.direct).toBeGreaterThan(40);
        expect(sample.withLabel.implicit).toBeGreaterThan(40);
        const { direct, implicit, manual, audit, none } = sample.effective;
        expect(direct + implicit + manual + audit + none).toBe(200);
      },
      30_000,
      250,
    );
  });

  it('creates a balanced batch that the labeling queue serves at once, and reuses it when run again', async () => {
    const client = new RelabelClient({ url: baseUrl, token: testApp.adminToken });
    const { batch, created } = await ensureDemoBatch(client);
    expect(created).toBe(true);
    expect(batch).toMatchObject({ strategy: 'least_confidence', status: 'open', filled: DEMO_BATCH.size });
    expect(batch.audit.filled).toBe(20);
    expect(Object.entries(batch.quotas).map(([cls, q]) => [cls, q.asked, q.filled])).toEqual([
      ['purchase', 60, 60],
      ['click', 60, 60],
      ['ignore', 60, 60],
    ]);
    const listed = await testApp.http().get(`/api/v1/models/${MODEL_NAME}/labeling-batches`).set(admin());
    expect(listed.body).toEqual([expect.objectContaining({ id: batch.id, quotaMode: 'balanced' })]);

    expect(await ensureDemoBatch(client)).toEqual({ batch: expect.objectContaining({ id: batch.id }), created: false });
    const labeler = await testApp.tokenFor('labeler');
    const next = await testApp.http().get(`/api/v1/models/${MODEL_NAME}/labeling/next`).set('Authorization', `Bearer ${labeler}`);
    expect(next.status).toBe(200);
    expect(next.body).toMatchObject({ batchId: batch.id });
    expect(byHand.map((m) => m.predictionId)).not.toContain(next.body.predictionId);
  });

  it('stores a late event, counted late, and changes no label with it', async () => {
    const ids = simulator.examples.late.filter(notByHand).slice(0, 3);
    expect(ids.length).toBeGreaterThan(0);
    await eventually(
      async () => {
        for (const id of ids) {
          const p = await read(id);
          const late = p.events.find((e) => e.id === `${id}.click-late`)!;
          expect(late).toMatchObject({ type: 'click', state: 'late' });
          expect(Date.parse(late.timestamp) - Date.parse(p.timestamp)).toBeGreaterThan(CLICK_WINDOW_MS);
          expect(p.labels.map((l) => l.source)).toEqual(['implicit']);
          expect(p.effectiveLabel).toEqual({ label: 'ignore', source: 'implicit' });
        }
      },
      30_000,
      250,
    );
  });

  it('joins an event that arrived before its prediction once the prediction came', async () => {
    const ids = simulator.examples.early.filter(notByHand).slice(0, 3);
    expect(ids.length).toBeGreaterThan(0);
    await eventually(
      async () => {
        for (const id of ids) {
          const p = await read(id);
          const click = p.events.find((e) => e.id === `${id}.click`)!;
          expect(Date.parse(click.receivedAt)).toBeLessThan(Date.parse(p.receivedAt));
          expect(click.state).toBe('applied');
          const direct = p.labels.find((l) => l.source === 'direct')!;
          expect(direct.eventIds).toContain(click.id);
          // A purchase that is not due yet has not been sent: the click is the label so far.
          const label = simulator.truthOf(id)!.outcome === 'click' ? 'click' : expect.stringMatching(/^(click|purchase)$/);
          expect(p.effectiveLabel).toEqual({ label, source: 'direct' });
        }
      },
      30_000,
      250,
    );
  });

  it('counts a re-sent backfill from the same seed and run as duplicates, not conflicts', async () => {
    const again = new Simulator({ baseUrl, adminToken: testApp.adminToken, seed: 7, runId: 'e2e-replay', now: () => startedAt });
    const twin = new Simulator({ baseUrl, adminToken: testApp.adminToken, seed: 7, runId: 'e2e-replay', now: () => startedAt });
    await again.setUp();
    await twin.setUp();
    expect(await again.backfill({ days: 1, perDay: 300, batchSize: 100 })).toEqual({ sent: 300, accepted: 300, duplicates: 0 });
    expect(await twin.backfill({ days: 1, perDay: 300, batchSize: 100 })).toEqual({ sent: 300, accepted: 0, duplicates: 300 });
    await again.tearDown();
    await twin.tearDown();
  });

  it('streams live predictions until stopped', async () => {
    const before = simulator.totals.sent;
    const running = simulator.run({ ratePerSecond: 40, tickMs: 100 });
    await sleep(1000);
    await simulator.stop();
    await running;
    const sent = simulator.totals.sent - before;
    expect(sent).toBeGreaterThanOrEqual(10);
    const ids = simulator.predictionIds();
    const last = ids[ids.length - 1];
    const res = await testApp
      .http()
      .get(`/api/v1/models/${MODEL_NAME}/predictions/${encodeURIComponent(last)}`)
      .set(admin());
    expect(res.status).toBe(200);
    expect(Date.parse(res.body.timestamp)).toBeGreaterThan(Date.now() - 10_000);
    const stopped = simulator.totals.sent;
    await sleep(300);
    expect(simulator.totals.sent).toBe(stopped);
  });

  it('live, sends the events as they fall due: joined at once, or before a slow prediction log', async () => {
    const start = Date.now();
    // A time-lapse clock: simulated time runs 120 times faster and stays hours in the past, so that the
    // users' clicks (a median 20 s after their prediction) fall due within the test.
    const lapse = new Simulator({
      baseUrl,
      adminToken: testApp.adminToken,
      seed: 3,
      runId: 'e2e-live',
      now: () => start - 6 * HOUR + (Date.now() - start) * 120,
      behaviour: { earlyShare: 0.5, lateShare: 0 },
    });
    await lapse.setUp();
    const running = lapse.run({ ratePerSecond: 5, tickMs: 200 });
    try {
      await eventually(
        async () => {
          expect(lapse.stats.heldBack).toBeGreaterThan(0);
          expect(lapse.eventTotals.joined).toBeGreaterThan(10);
        },
        30_000,
        100,
      );
    } finally {
      await lapse.stop();
      await running;
    }
    expect(lapse.eventTotals.pending).toBeGreaterThan(0);
    expect(lapse.eventTotals.accepted).toBe(lapse.eventTotals.sent);
    expect(lapse.queued).toBeGreaterThan(0);
    const early = lapse.examples.early[0];
    await eventually(async () => {
      const p = await read(early);
      const click = p.events.find((e) => e.id === `${early}.click`)!;
      expect(Date.parse(click.receivedAt)).toBeLessThan(Date.parse(p.receivedAt));
      expect(click.state).toBe('applied');
      expect(p.effectiveLabel?.source).toBe('direct');
    });
    await lapse.tearDown();
  });
});
