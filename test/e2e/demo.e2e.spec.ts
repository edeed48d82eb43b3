import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_NAME, SHOP_RECOMMENDER_MODEL } from '../../src/demo/shop-world.js';
import { Simulator } from '../../src/demo/simulator.js';
import { startTestApp, type TestApp } from '../support/app.js';

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
    await new Promise((resolve) => setTimeout(resolve, 1000));
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
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(simulator.totals.sent).toBe(stopped);
  });
});
