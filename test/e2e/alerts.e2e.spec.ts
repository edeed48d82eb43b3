import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent } from '../factories/events.js';
import { registerModel } from '../factories/models.js';
import { aPrediction } from '../factories/predictions.js';
import { eventually } from '../support/eventually.js';
import { startTestApp, type TestApp } from '../support/app.js';

const MIN = 60_000;
const DAY = 86_400_000;

/** A webhook receiver on 127.0.0.1 that answers 503 to the first `failing` requests, then 200. */
class Receiver {
  readonly requests: { deliveryId: string; status: number; body: Record<string, unknown> }[] = [];
  failing = 0;
  private server!: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (raw += chunk));
      req.on('end', () => {
        const status = this.failing > 0 ? 503 : 200;
        if (this.failing > 0) this.failing--;
        this.requests.push({
          deliveryId: String(req.headers['x-relabel-delivery']),
          status,
          body: JSON.parse(raw) as Record<string, unknown>,
        });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/relabel`;
  }

  delivered(event: string) {
    return this.requests.filter((r) => r.status === 200 && r.body.event === event);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

interface AlertBody {
  id: string;
  state: string;
  reason: string;
  slice: { key: string; value: string };
  message: string;
  resolution: string | null;
  recommendation: { text: string; action: { method: string; path: string; body: Record<string, unknown> }; page: string };
  startedAt: string;
  endedAt: string | null;
  details: Record<string, unknown>;
}

/** The rain alert's message once every label of the first test is rolled up. */
const FINAL_MESSAGE =
  /^weather=rain is at 20\.0% accuracy \(95% CI 10\.5–34\.8%\) against 62\.5% for the whole model \(69\.9% for the rest\) over the last 7d, surely below the rest of the model\. Behind it: 40 labels \(95% direct, 5% manual\)\. Judged on label accuracy\. Most confused: labeled purchase but predicted click \(30 times\)\. Next step: queue 100 examples of weather=rain for labeling\.$/;

const MODEL = {
  classes: ['purchase', 'click', 'ignore'],
  sliceKeys: ['weather'],
  labelRules: [{ event: 'purchase', label: 'purchase', within: '7d', priority: 20 }],
};

let t: TestApp;
let receiver: Receiver;
let ingest: string;
let reader: string;

beforeAll(async () => {
  receiver = new Receiver();
  const url = await receiver.start();
  t = await startTestApp({ ALERT_WEBHOOK_URL: url });
  ingest = `Bearer ${await t.tokenFor('ingest')}`;
  reader = `Bearer ${await t.tokenFor('labeler')}`;
});
afterAll(async () => {
  await t?.close();
  await receiver?.stop();
});

let seq = 0;
/** Predictions of the weather, each followed by a purchase: correct when `purchase` was predicted. */
async function purchases(model: string, weather: string, correct: number, wrong: number, at = Date.now() - 5 * MIN) {
  const predictions = Array.from({ length: correct + wrong }, (_, i) =>
    aPrediction({
      id: `${model}-${weather}-${++seq}`,
      model,
      timestamp: new Date(at).toISOString(),
      features: { weather },
      prediction: i < correct ? 'purchase' : 'click',
      scores: i < correct ? { purchase: 0.6, click: 0.3, ignore: 0.1 } : { purchase: 0.3, click: 0.6, ignore: 0.1 },
    }),
  );
  const res = await t.http().post('/api/v1/predictions').set('Authorization', ingest).send({ predictions });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const events = predictions.map((p) =>
    anEvent(p.id as string, { model, type: 'purchase', timestamp: new Date(at + MIN).toISOString() }),
  );
  expect((await t.http().post('/api/v1/events').set('Authorization', ingest).send({ events })).status).toBe(202);
  return predictions.map((p) => p.id as string);
}

async function alerts(model: string, state = 'all'): Promise<AlertBody[]> {
  const res = await t.http().get(`/api/v1/models/${model}/alerts?state=${state}`).set('Authorization', reader);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body as { alerts: AlertBody[] }).alerts;
}

describe('slice alerts', () => {
  it('fire on a slice surely below the rest with an actionable message, notify the webhook through its failures, and resolve', async () => {
    await registerModel(t.http, t.adminToken, 'weathered', MODEL);
    receiver.failing = 2;
    await purchases('weathered', 'sun', 160, 40);
    const rain = await purchases('weathered', 'rain', 8, 32);
    await purchases('weathered', 'snow', 0, 29); // as bad as can be, but under minSupport (30)
    // Two people relabel rain predictions by hand: the message shows the source mix.
    const labeler = `Bearer ${await t.tokenFor('labeler')}`;
    for (const id of rain.slice(-2)) {
      const r = await t
        .http()
        .post('/api/v1/labels')
        .set('Authorization', labeler)
        .send({ model: 'weathered', predictionId: id, label: 'ignore' });
      expect(r.status).toBe(201);
    }

    // The alert may fire before the last labels are rolled up; it is refreshed with them.
    const [fired] = await eventually(async () => {
      const firing = await alerts('weathered', 'firing');
      expect(firing).toHaveLength(1);
      expect(firing[0].message).toMatch(FINAL_MESSAGE);
      return firing;
    }, 40_000);
    expect(fired).toMatchObject({
      state: 'firing',
      reason: 'below_rest',
      slice: { key: 'weather', value: 'rain' },
      endedAt: null,
      resolution: null,
      recommendation: {
        text: 'queue 100 examples of weather=rain for labeling',
        action: {
          method: 'POST',
          path: '/api/v1/models/weathered/labeling-batches',
          body: { size: 100, strategy: 'least_confidence', quotas: 'balanced', filters: { slices: { weather: 'rain' } } },
        },
        page: '/models/weathered/slices',
      },
    });
    expect(Date.parse(fired.startedAt)).toBeGreaterThan(Date.now() - 60_000);

    // The first two POSTs get 503; the third, a few seconds of backoff later, is accepted.
    const firingHooks = await eventually(async () => {
      const ok = receiver.delivered('alert.firing');
      expect(ok).toHaveLength(1);
      return receiver.requests.filter((r) => r.body.event === 'alert.firing');
    }, 30_000);
    expect(firingHooks.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(new Set(firingHooks.map((r) => r.deliveryId))).toEqual(new Set([`${fired.id}:firing`]));
    expect(firingHooks[2].body).toMatchObject({
      deliveryId: `${fired.id}:firing`,
      event: 'alert.firing',
      text: expect.stringMatching(/^\[FIRING\] weathered: weather=rain is at /) as unknown,
      alert: { id: fired.id, state: 'firing', slice: { key: 'weather', value: 'rain' } },
    });
    const row = await t.tables.get<{ status: string; attempts: number | string }>(
      `SELECT status, attempts FROM alert_notifications WHERE alert_id = ? AND event = 'firing'`,
      [fired.id],
    );
    expect({ status: row?.status, attempts: Number(row?.attempts) }).toEqual({ status: 'delivered', attempts: 3 });

    // Good rain labels pull it up to the rest: the condition clears and the same alert resolves.
    await purchases('weathered', 'rain', 200, 0);
    const resolved = await eventually(async () => {
      const all = await alerts('weathered');
      expect(all.map((a) => [a.id, a.state])).toEqual([[fired.id, 'resolved']]);
      return all[0];
    }, 40_000);
    expect(Date.parse(resolved.endedAt!)).toBeGreaterThanOrEqual(Date.parse(resolved.startedAt));
    expect(resolved.startedAt).toBe(fired.startedAt);
    expect(resolved.resolution).toMatch(
      /^weather=rain is back within the thresholds: \d+\.\d% accuracy \(95% CI [\d.]+–[\d.]+%\) over the last 7d\.$/,
    );
    expect(await alerts('weathered', 'firing')).toEqual([]);
    await eventually(async () => expect(receiver.delivered('alert.resolved')).toHaveLength(1), 30_000);
    expect(receiver.delivered('alert.resolved')[0].body).toMatchObject({
      deliveryId: `${fired.id}:resolved`,
      alert: { id: fired.id, state: 'resolved', resolution: resolved.resolution },
    });
  });

  it('fire on a fall against the baseline window, from implicit labels', async () => {
    await registerModel(t.http, t.adminToken, 'drifting', {
      classes: ['click', 'ignore'],
      sliceKeys: ['weather'],
      implicitLabel: { label: 'ignore', after: '30m' },
      // History is labeled at once rather than a grace period after it is logged.
      eventGrace: '1s',
    });
    // Predicting "ignore" is right (no event comes); rain was right 95 times in 100 the week before, 70 now.
    const send = async (weather: string, at: number, right: number, wrong: number) => {
      const predictions = Array.from({ length: right + wrong }, (_, i) =>
        aPrediction({
          id: `drifting-${++seq}`,
          model: 'drifting',
          timestamp: new Date(at).toISOString(),
          features: { weather },
          prediction: i < right ? 'ignore' : 'click',
          scores: i < right ? { click: 0.4, ignore: 0.6 } : { click: 0.6, ignore: 0.4 },
        }),
      );
      expect((await t.http().post('/api/v1/predictions').set('Authorization', ingest).send({ predictions })).status).toBe(201);
    };
    await send('rain', Date.now() - 9 * DAY, 95, 5);
    await send('sun', Date.now() - 9 * DAY, 72, 28);
    await send('rain', Date.now() - 2 * DAY, 70, 30);
    await send('sun', Date.now() - 2 * DAY, 70, 30);

    const [fired] = await eventually(async () => {
      const firing = await alerts('drifting', 'firing');
      expect(firing).toHaveLength(1);
      expect(firing[0].message).toContain('Behind it: 100 labels');
      return firing;
    }, 40_000);
    expect(fired).toMatchObject({ reason: 'drop', slice: { key: 'weather', value: 'rain' } });
    expect(fired.message).toContain('down from 95.0% in the 7d before: a fall of 25.0 points (95% CI ');
    expect(fired.message).toContain('Behind it: 100 labels (100% implicit).');
    expect(fired.details).toMatchObject({ baseline: { n: 100, correct: 95 }, slice: { n: 100, correct: 70 } });
  });

  it('lists alerts to labelers but not to ingest tokens, refuses a bad state and an unknown model', async () => {
    await t.http().get('/api/v1/models/weathered/alerts').set('Authorization', reader).expect(200);
    await t.http().get('/api/v1/models/weathered/alerts').set('Authorization', ingest).expect(403);
    await t.http().get('/api/v1/models/weathered/alerts').expect(401);
    const bad = await t.http().get('/api/v1/models/weathered/alerts?state=open').set('Authorization', reader);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ details: [expect.objectContaining({ field: 'state' })] });
    const missing = await t.http().get('/api/v1/models/nope/alerts').set('Authorization', reader);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ message: 'model_not_found' });
  });
});
