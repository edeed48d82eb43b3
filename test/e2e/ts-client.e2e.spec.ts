import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EventLogger,
  PredictionLogger,
  type PredictionRow,
  type RejectedRow,
  RelabelClient,
  RelabelError,
  RelabelNetworkError,
} from '../../clients/ts/src/index.js';
import { registerModel } from '../factories/models.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { type HttpFront, startHttpFront } from '../support/http-front.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

// The real service on a loopback socket; the client talks to it over HTTP, directly or through a
// front that answers scripted failures (503 + Retry-After, 500) or a TCP proxy that goes down.
let t: TestApp;
let serviceUrl: string;
let port: number;
let front: HttpFront;
let proxy: TcpProxy;
const quiet = { warn: () => undefined };
const fastRetry = { baseDelayMs: 5, maxDelayMs: 50 };

beforeAll(async () => {
  t = await startTestApp();
  await t.app.listen(0, '127.0.0.1');
  port = (t.app.getHttpServer().address() as AddressInfo).port;
  serviceUrl = `http://127.0.0.1:${port}`;
  front = await startHttpFront(serviceUrl);
  proxy = await startTcpProxy('127.0.0.1', port);
  for (const name of [
    'ts-typed',
    'ts-load',
    'ts-bad',
    'ts-restart',
    'ts-503',
    'ts-events',
    'ts-overflow',
    'ts-413',
    'ts-bad-then-good',
    'ts-copy',
  ])
    await registerModel(t.http, t.adminToken, name);
});
afterAll(async () => {
  await front.close();
  await proxy.close();
  await t.close();
});

const stored = async (model: string) =>
  Number((await t.tables.get<{ n: number | string }>('SELECT COUNT(*) AS n FROM predictions WHERE model = ?', [model]))!.n);

/** A prediction row without id, model or timestamp: the logger fills them in. */
function row(overrides: Partial<PredictionRow> = {}): PredictionRow {
  const { id: _id, model: _model, timestamp: _ts, ...rest } = aPrediction() as unknown as PredictionRow;
  return { ...rest, ...overrides };
}

describe('RelabelClient against the service', () => {
  it('registers a model, logs predictions and reads one back through the typed paths', async () => {
    const client = new RelabelClient({ url: serviceUrl, token: t.adminToken });
    const model = await client.get('/api/v1/models/{model}', { path: { model: 'ts-typed' } });
    expect(model).toMatchObject({ name: 'ts-typed', classes: SHOP_MODEL.classes });
    const ingest = new RelabelClient({ url: serviceUrl, token: await t.tokenFor('ingest') });
    const rows = [aPrediction({ model: 'ts-typed' }), aPrediction({ model: 'ts-typed' })];
    const result = await ingest.post('/api/v1/predictions', { body: { predictions: rows as never } });
    expect(result).toEqual({ accepted: 2, duplicates: 0 });
    const again = await ingest.post('/api/v1/predictions', { body: { predictions: rows as never } });
    expect(again).toEqual({ accepted: 0, duplicates: 2 });
    const back = (await client.get('/api/v1/models/{model}/predictions/{id}', {
      path: { model: 'ts-typed', id: String(rows[1].id) },
    })) as { id: string; prediction: string };
    expect(back).toMatchObject({ id: rows[1].id, prediction: 'click' });
  });

  it('throws a 400 at once, carrying relabel details by row index and field', async () => {
    const before = front.seen.length;
    const ingest = new RelabelClient({ url: front.url, token: await t.tokenFor('ingest'), retry: fastRetry });
    const rows = [aPrediction({ model: 'ts-typed' }), aPrediction({ model: 'ts-typed', scores: { click: 2 } })];
    const error = await ingest.post('/api/v1/predictions', { body: { predictions: rows as never } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RelabelError);
    const e = error as RelabelError;
    expect(e.status).toBe(400);
    expect(e.code).toBe('invalid_predictions');
    expect(e.rowErrors).toEqual(
      expect.arrayContaining([expect.objectContaining({ index: 1, field: expect.stringMatching(/^scores/) })]),
    );
    expect(e.rowErrors.every((d) => d.index === 1)).toBe(true);
    expect(front.seen.length - before).toBe(1);
  });

  it('names the error of a missing model (404 model_not_found)', async () => {
    const client = new RelabelClient({ url: serviceUrl, token: t.adminToken });
    const error = (await client
      .get('/api/v1/models/{model}', { path: { model: 'nope' } })
      .catch((e: unknown) => e)) as RelabelError;
    expect([error.status, error.code]).toEqual([404, 'model_not_found']);
  });

  it('retries 503 after Retry-After, then succeeds', async () => {
    const retries: string[] = [];
    const client = new RelabelClient({
      url: front.url,
      token: t.adminToken,
      retry: { baseDelayMs: 5, maxDelayMs: 5000 },
      onRetry: ({ reason, delayMs }) => retries.push(`${reason} ${delayMs >= 1000 ? 'waited' : 'quick'}`),
    });
    front.failNext(1, 503, { 'retry-after': '1' });
    front.failNext(1, 503, { 'retry-after': '0' });
    const started = Date.now();
    const models = (await client.get('/api/v1/models')) as { models: unknown[] };
    expect(models.models.length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(retries).toEqual(['503 scripted_failure waited', '503 scripted_failure quick']);
  });

  it('repeats a GET after a 500 but not a POST that is not idempotent', async () => {
    const client = new RelabelClient({ url: front.url, token: t.adminToken, retry: fastRetry });
    front.failNext(1, 500);
    await expect(client.get('/api/v1/models')).resolves.toBeDefined();
    const before = front.seen.length;
    front.failNext(1, 500);
    const error = (await client
      .post('/api/v1/tokens', { body: { name: 'not-twice', role: 'labeler' } })
      .catch((e: unknown) => e)) as RelabelError;
    expect(error.status).toBe(500);
    expect(front.seen.length - before).toBe(1);
    const tokens = (await client.get('/api/v1/tokens')) as { tokens: { name: string }[] };
    expect(tokens.tokens.some((k) => k.name === 'not-twice')).toBe(false);
  });

  it('gives up on a service that does not answer with a RelabelNetworkError after its attempts', async () => {
    proxy.down();
    try {
      const retries: number[] = [];
      const client = new RelabelClient({
        url: `http://127.0.0.1:${proxy.port}`,
        token: t.adminToken,
        retry: { ...fastRetry, attempts: 3 },
        onRetry: ({ attempt }) => retries.push(attempt),
      });
      await expect(client.get('/api/v1/models')).rejects.toBeInstanceOf(RelabelNetworkError);
      expect(retries).toEqual([1, 2]);
    } finally {
      proxy.up();
    }
  });
});

describe('PredictionLogger against the service', () => {
  it('stores every row logged by concurrent handlers, with generated ids, once flush() confirms', async () => {
    const client = new RelabelClient({ url: serviceUrl, token: await t.tokenFor('ingest') });
    const logger = new PredictionLogger(client, { model: 'ts-load', batchSize: 137, flushIntervalMs: 20, ...quiet });
    const handlers = Array.from({ length: 40 }, async (_, h) => {
      for (let i = 0; i < 50; i++) {
        expect(logger.log(row({ features: { price: h * 100 + i, country: 'de', device: 'mobile', title: 't' } }))).toEqual(
          expect.any(String),
        );
        if (i % 7 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    });
    await Promise.all(handlers);
    expect(await logger.flush()).toBe(true);
    expect(logger.stats()).toMatchObject({
      logged: 2000,
      queued: 0,
      inFlight: 0,
      sent: 2000,
      duplicates: 0,
      retried: 0,
      dropped: 0,
      rejected: 0,
    });
    expect(await stored('ts-load')).toBe(2000);
    await logger.close();
  });

  it('rejects the invalid rows by index, sends the rest, and does not retry the 4xx', async () => {
    const before = front.seen.length;
    const client = new RelabelClient({ url: front.url, token: await t.tokenFor('ingest') });
    const rejected: RejectedRow[] = [];
    const logger = new PredictionLogger(client, {
      model: 'ts-bad',
      batchSize: 100,
      flushIntervalMs: 10_000,
      onRejected: (rows) => rejected.push(...rows),
      ...quiet,
    });
    for (let i = 0; i < 30; i++) logger.log(row(i === 3 || i === 17 ? { scores: { click: 7 } } : {}));
    expect(await logger.flush()).toBe(true);
    expect(rejected.map((r) => [r.status, r.index, r.field?.split('.')[0]])).toEqual([
      [400, 3, 'scores'],
      [400, 17, 'scores'],
    ]);
    expect(rejected[0].row).toMatchObject({ scores: { click: 7 }, model: 'ts-bad' });
    expect(logger.stats()).toMatchObject({ sent: 28, rejected: 2, retried: 0, dropped: 0 });
    expect(await stored('ts-bad')).toBe(28);
    expect(front.seen.length - before).toBe(2); // the batch, then the 28 good rows; no retry of the 400
    await logger.close();
  });

  it('confirms in flush() only once the rows after a refused batch are stored too', async () => {
    const client = new RelabelClient({ url: serviceUrl, token: await t.tokenFor('ingest') });
    const logger = new PredictionLogger(client, { model: 'ts-bad-then-good', batchSize: 5, flushIntervalMs: 10_000, ...quiet });
    for (let i = 0; i < 5; i++) logger.log(row({ scores: { click: 9 } }));
    for (let i = 0; i < 5; i++) logger.log(row());
    expect(await logger.flush()).toBe(true);
    expect(logger.stats()).toMatchObject({ sent: 5, rejected: 5, queued: 0 });
    expect(await stored('ts-bad-then-good')).toBe(5);
    await logger.close();
  });

  it('rejects a whole batch a 4xx names no row of (a labeler token: 403), without retrying', async () => {
    const client = new RelabelClient({ url: serviceUrl, token: await t.tokenFor('labeler') });
    const rejected: RejectedRow[] = [];
    const logger = new PredictionLogger(client, { model: 'ts-bad', onRejected: (r) => rejected.push(...r), ...quiet });
    logger.log(row());
    logger.log(row());
    expect(await logger.flush()).toBe(true);
    expect(rejected.map((r) => [r.status, r.message])).toEqual([
      [403, expect.stringContaining('role_not_allowed')],
      [403, expect.stringContaining('role_not_allowed')],
    ]);
    expect(logger.stats()).toMatchObject({ sent: 0, rejected: 2, retried: 0 });
  });

  it('loses nothing across an outage: rows logged while the service is down are sent when it is back', async () => {
    const client = new RelabelClient({ url: `http://127.0.0.1:${proxy.port}`, token: await t.tokenFor('ingest') });
    const logger = new PredictionLogger(client, {
      model: 'ts-restart',
      batchSize: 50,
      flushIntervalMs: 10,
      retry: fastRetry,
      ...quiet,
    });
    for (let i = 0; i < 120; i++) logger.log(row());
    expect(await logger.flush()).toBe(true);
    expect(await stored('ts-restart')).toBe(120);
    proxy.down();
    try {
      for (let i = 0; i < 180; i++) logger.log(row());
      expect(await logger.flush(300)).toBe(false);
      expect(logger.stats().retried).toBeGreaterThan(0);
    } finally {
      proxy.up();
    }
    expect(await logger.flush()).toBe(true);
    expect(logger.stats()).toMatchObject({ sent: 300, dropped: 0, rejected: 0, queued: 0 });
    expect(await stored('ts-restart')).toBe(300);
    await logger.close();
  });

  it('re-sends a batch refused with 503 and Retry-After; the re-sends are not stored twice', async () => {
    const client = new RelabelClient({ url: front.url, token: await t.tokenFor('ingest') });
    const logger = new PredictionLogger(client, { model: 'ts-503', batchSize: 25, retry: fastRetry, ...quiet });
    front.failNext(2, 503, { 'retry-after': '0' });
    for (let i = 0; i < 25; i++) logger.log(row());
    expect(await logger.flush()).toBe(true);
    expect(logger.stats()).toMatchObject({ sent: 25, retried: 50, rejected: 0 });
    expect(await stored('ts-503')).toBe(25);
  });

  it('halves a batch the service finds too large (413) instead of refusing its rows', async () => {
    const client = new RelabelClient({ url: front.url, token: await t.tokenFor('ingest') });
    const logger = new PredictionLogger(client, { model: 'ts-413', batchSize: 40, ...quiet });
    const before = front.seen.length;
    front.failNext(2, 413);
    for (let i = 0; i < 40; i++) logger.log(row());
    expect(await logger.flush()).toBe(true);
    expect(logger.stats()).toMatchObject({ sent: 40, rejected: 0, dropped: 0 });
    // 40 refused, its first half (20) refused, that half's halves (10 + 10) and the second half (20) stored.
    expect(front.seen.slice(before).map((r) => r.answered)).toEqual([413, 413, 'forwarded', 'forwarded', 'forwarded']);
    expect(await stored('ts-413')).toBe(40);
    await logger.close();
  });

  it('drops the newest rows when the queue is full, and counts what close() gives up on, without throwing', async () => {
    proxy.down();
    const warnings: string[] = [];
    const drops: Record<string, number> = {};
    try {
      const client = new RelabelClient({ url: `http://127.0.0.1:${proxy.port}`, token: await t.tokenFor('ingest') });
      const logger = new PredictionLogger(client, {
        model: 'ts-overflow',
        batchSize: 5,
        maxQueue: 10,
        retry: fastRetry,
        warn: (m) => warnings.push(m),
        onDropped: (rows, reason) => (drops[reason] = (drops[reason] ?? 0) + rows.length),
      });
      const accepted = Array.from({ length: 30 }, () => logger.log(row()));
      expect(accepted.filter(Boolean).length).toBe(10);
      expect(accepted.slice(0, 10).every(Boolean)).toBe(true);
      expect(logger.stats().dropped).toBe(20);
      expect(logger.log(null as never)).toBeUndefined();
      const started = Date.now();
      const final = await logger.close(200);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(final).toMatchObject({ logged: 10, sent: 0, dropped: 31, rejected: 0, queued: 0, inFlight: 0 });
      expect(logger.log(row())).toBeUndefined();
      expect(drops).toEqual({ queue_full: 21, unsent_at_close: 10, closed: 1 });
      expect(warnings.some((w) => w.includes('queue full'))).toBe(true);
    } finally {
      proxy.up();
    }
    expect(await stored('ts-overflow')).toBe(0);
  });
});

describe('PredictionLogger rows', () => {
  it('copies a row at log(), so later changes by the caller do not leak in, and rejects what is not JSON', async () => {
    const client = new RelabelClient({ url: serviceUrl, token: await t.tokenFor('ingest') });
    const rejected: RejectedRow[] = [];
    const logger = new PredictionLogger(client, { model: 'ts-copy', onRejected: (r) => rejected.push(...r), ...quiet });
    const mine = row({ scores: { purchase: 0.2, click: 0.5, ignore: 0.3 } });
    const id = logger.log(mine)!;
    mine.scores.click = 0.9;
    mine.prediction = 'purchase';
    expect(logger.log(row({ scores: { purchase: Number.NaN, click: 0.5, ignore: 0.5 } }))).toBeUndefined();
    expect(logger.log(null as never)).toBeUndefined();
    expect(rejected).toEqual([
      expect.objectContaining({ status: 0, message: expect.stringContaining('purchase is NaN') }),
      expect.objectContaining({ status: 0, message: expect.stringContaining('must be an object') }),
    ]);
    expect(await logger.flush()).toBe(true);
    const admin = new RelabelClient({ url: serviceUrl, token: t.adminToken });
    const stored = await admin.get('/api/v1/models/{model}/predictions/{id}', { path: { model: 'ts-copy', id } });
    expect([stored.prediction, stored.scores.click]).toEqual(['click', 0.5]);
    expect(logger.stats()).toMatchObject({ logged: 1, sent: 1, rejected: 2 });
    await logger.close();
  });

  it('drops a batch once it has been retried for retryForMs, so flush() settles', async () => {
    proxy.down();
    try {
      const client = new RelabelClient({ url: `http://127.0.0.1:${proxy.port}`, token: await t.tokenFor('ingest') });
      const dropped: string[] = [];
      const logger = new PredictionLogger(client, {
        model: 'ts-copy',
        retryForMs: 100,
        retry: fastRetry,
        onDropped: (rows, reason) => dropped.push(...rows.map(() => reason)),
        ...quiet,
      });
      for (let i = 0; i < 3; i++) logger.log(row());
      expect(await logger.flush(5000)).toBe(true);
      expect(dropped).toEqual(['retries_exhausted', 'retries_exhausted', 'retries_exhausted']);
      expect(logger.stats()).toMatchObject({ sent: 0, dropped: 3, queued: 0 });
      expect(logger.stats().retried).toBeGreaterThan(0);
      await logger.close();
    } finally {
      proxy.up();
    }
  });
});

describe('PredictionLogger trace context', () => {
  it("stamps rows without a traceId with the caller's current trace, and keeps a row's own", async () => {
    const client = new RelabelClient({ url: serviceUrl, token: await t.tokenFor('ingest') });
    const current = '4bf92f3577b34da6a3ce929d0e0e4736';
    const logger = new PredictionLogger(client, { model: 'ts-typed', currentTraceId: () => current, ...quiet });
    logger.log(row({ id: 'traced-1' }));
    logger.log(row({ id: 'traced-2', traceId: 'own-trace' }));
    expect(await logger.flush()).toBe(true);
    const admin = new RelabelClient({ url: serviceUrl, token: t.adminToken });
    const read = (id: string) => admin.get('/api/v1/models/{model}/predictions/{id}', { path: { model: 'ts-typed', id } });
    expect((await read('traced-1')).traceId).toBe(current);
    expect((await read('traced-2')).traceId).toBe('own-trace');
    await logger.close();
  });
});

describe('EventLogger against the service', () => {
  it('sends events with generated ids and timestamps; they join the logged predictions', async () => {
    const client = new RelabelClient({ url: serviceUrl, token: await t.tokenFor('ingest') });
    const predictions = new PredictionLogger(client, { model: 'ts-events', ...quiet });
    const events = new EventLogger(client, { model: 'ts-events', ...quiet });
    const ids = Array.from({ length: 5 }, () => predictions.log(row())!);
    expect(await predictions.flush()).toBe(true);
    for (const id of ids) events.log({ predictionId: id, type: 'click' });
    expect(await events.flush()).toBe(true);
    expect(events.stats()).toMatchObject({ sent: 5, rejected: 0 });
    const joined = await t.tables.get<{ n: number | string }>(
      'SELECT COUNT(*) AS n FROM events WHERE model = ? AND prediction_id IN (?, ?, ?, ?, ?)',
      ['ts-events', ...ids],
    );
    expect(Number(joined!.n)).toBe(5);
    await Promise.all([predictions.close(), events.close()]);
  });
});
