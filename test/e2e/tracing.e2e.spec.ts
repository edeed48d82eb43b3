import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent, SHOP_RULES } from '../factories/events.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { createTestDatabase } from '../support/app.js';
import { buildService, ChildService, freePort } from '../support/child-service.js';
import { eventually } from '../support/eventually.js';
import { OtlpReceiver, SPAN_KIND_CONSUMER, SPAN_KIND_SERVER } from './otlp-receiver.js';

const adminToken = `rl_test_admin_${randomBytes(16).toString('hex')}`;
const dirs: string[] = [];
const drops: (() => Promise<void>)[] = [];
const services: ChildService[] = [];
let receiver: OtlpReceiver;
let traced: ChildService;

async function startService(extra: Record<string, string>): Promise<ChildService> {
  const dataDir = mkdtempSync(join(tmpdir(), 'relabel-tracing-'));
  dirs.push(dataDir);
  const database = await createTestDatabase();
  if (database) drops.push(database.drop);
  const service = await ChildService.start({
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ADMIN_TOKEN: adminToken,
    LOG_LEVEL: 'warn',
    ...(database ? { DATABASE_URL: database.url } : {}),
    ...(process.env.TEST_REDIS_URL
      ? { REDIS_URL: process.env.TEST_REDIS_URL, QUEUE_PREFIX: `t${randomBytes(5).toString('hex')}` }
      : {}),
    ...extra,
  });
  services.push(service);
  return service;
}

function call(service: ChildService, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return fetch(`${service.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function scrape(service: ChildService): Promise<string> {
  const res = await call(service, 'GET', '/metrics');
  expect(res.status).toBe(200);
  return res.text();
}

beforeAll(async () => {
  await buildService();
  receiver = await OtlpReceiver.start();
  traced = await startService({
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '100',
    OTEL_SERVICE_NAME: 'relabel-under-test',
  });
  expect((await call(traced, 'PUT', '/api/v1/models/shop', { ...SHOP_MODEL, ...SHOP_RULES })).status).toBeLessThan(300);
}, 180_000);

afterAll(async () => {
  for (const service of services) await service.stop();
  await receiver?.close();
  for (const drop of drops) await drop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const newTraceparent = () => {
  const traceId = randomBytes(16).toString('hex');
  const parentId = randomBytes(8).toString('hex');
  return { traceId, parentId, header: `00-${traceId}-${parentId}-01` };
};

describe('OpenTelemetry traces', () => {
  it('continues the caller traceparent: the request is a server span whose parent is the caller span', async () => {
    const caller = newTraceparent();
    const res = await call(traced, 'POST', '/api/v1/predictions', aPrediction(), { traceparent: caller.header });
    expect(res.status).toBe(201);
    const server = await eventually(async () => {
      const found = receiver.spans.find((s) => s.traceId === caller.traceId && s.kind === SPAN_KIND_SERVER);
      expect(found).toBeDefined();
      return found!;
    });
    expect(server.parentSpanId).toBe(caller.parentId);
    expect(server.service).toBe('relabel-under-test');
    expect(server.attributes['http.route'] ?? server.name).toContain('/api/v1/predictions');
  });

  it('runs the job a request enqueued as its own trace, linked to that request', async () => {
    const prediction = aPrediction();
    expect((await call(traced, 'POST', '/api/v1/predictions', prediction)).status).toBe(201);
    // A job enqueued while one with its id is still waiting or running is that job (job-id dedupe), and
    // links to whoever enqueued it first; so events are sent, each in a fresh trace, until one of them
    // is the request that enqueued a label job.
    let linked: { caller: ReturnType<typeof newTraceparent>; job: (typeof receiver.spans)[number] } | undefined;
    for (let attempt = 0; attempt < 5 && !linked; attempt++) {
      const caller = newTraceparent();
      const event = anEvent(prediction.id as string);
      const res = await call(traced, 'POST', '/api/v1/events', event, { traceparent: caller.header });
      expect(res.status).toBe(202);
      const job = await eventually(async () => {
        const found = receiver.spans.find(
          (s) => s.kind === SPAN_KIND_CONSUMER && s.links.some((link) => link.traceId === caller.traceId),
        );
        expect(found).toBeDefined();
        return found!;
      }, 5_000).catch(() => undefined);
      if (job) linked = { caller, job };
    }
    expect(linked, 'no label job linked to any of the event requests').toBeDefined();
    const { caller, job } = linked!;
    const requestSpans = receiver.spans.filter((s) => s.traceId === caller.traceId);
    expect(requestSpans.some((s) => s.kind === SPAN_KIND_SERVER)).toBe(true);
    expect(job.name).toMatch(/^job labels\//);
    expect(job.traceId).not.toBe(caller.traceId);
    expect(job.parentSpanId).toBeUndefined();
    const link = job.links.find((l) => l.traceId === caller.traceId)!;
    expect(requestSpans.map((s) => s.spanId)).toContain(link.spanId);
    expect(job.attributes['messaging.destination.name']).toBe('labels');
  });

  it('does not trace /health and /metrics', async () => {
    const caller = newTraceparent();
    expect((await call(traced, 'GET', '/health', undefined, { traceparent: caller.header })).status).toBe(200);
    await scrape(traced);
    // A traced request after them: once its span has arrived, spans of the earlier ones would have too.
    const marker = newTraceparent();
    await call(traced, 'GET', '/api/v1/models', undefined, { traceparent: marker.header });
    await eventually(async () => expect(receiver.spans.some((s) => s.traceId === marker.traceId)).toBe(true));
    expect(receiver.spans.filter((s) => s.traceId === caller.traceId)).toEqual([]);
  });

  it('reports tracing as on in /metrics', async () => {
    expect(await scrape(traced)).toMatch(/^relabel_tracing_enabled 1$/m);
  });

  it('starts no SDK without OTEL_EXPORTER_OTLP_ENDPOINT, and none when OTEL_SDK_DISABLED=true', async () => {
    const plain = await startService({ OTEL_SERVICE_NAME: 'relabel-plain', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
    const disabled = await startService({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_SDK_DISABLED: 'true' });
    for (const service of [plain, disabled]) {
      const caller = newTraceparent();
      expect((await call(service, 'GET', '/api/v1/models', undefined, { traceparent: caller.header })).status).toBe(200);
      expect(await scrape(service)).toMatch(/^relabel_tracing_enabled 0$/m);
    }
    // The traced service's next span marks the point by which the others' spans would have arrived.
    const marker = newTraceparent();
    await call(traced, 'GET', '/api/v1/models', undefined, { traceparent: marker.header });
    await eventually(async () => expect(receiver.spans.some((s) => s.traceId === marker.traceId)).toBe(true));
    expect(receiver.spans.filter((s) => s.service !== 'relabel-under-test')).toEqual([]);
  });
});
