import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.factory.js';
import { loadConfig } from '../../src/config/config.js';
import { anEvent, SHOP_RULES } from '../factories/events.js';
import { registerModel } from '../factories/models.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { testEnvironment, type TestEnvironment } from '../support/app.js';
import { eventually } from '../support/eventually.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

/**
 * Redis going away (a proxy in front of it cuts every connection and refuses new ones): the database
 * stays the source of truth, so ingest keeps answering, /health says the queue is down without
 * leaking connection details, and the join runs once Redis is back. Without Redis (SQLite CI run)
 * jobs run in-process and there is no Redis to lose: the same requests must simply work.
 */
let environment: TestEnvironment;
let app: NestExpressApplication;
let proxy: TcpProxy | undefined;
let ingest: string;
const http = () => request(app.getHttpServer());
const admin = () => `Bearer ${environment.adminToken}`;

beforeAll(async () => {
  environment = await testEnvironment('relabel-fault-redis-');
  const env = { ...environment.env };
  if (env.REDIS_URL) {
    const url = new URL(env.REDIS_URL);
    proxy = await startTcpProxy(url.hostname, Number(url.port));
    url.host = `127.0.0.1:${proxy.port}`;
    env.REDIS_URL = url.toString();
  }
  app = await createApp(loadConfig(env));
  await app.init();
  await registerModel(http, environment.adminToken, 'shop', { ...SHOP_MODEL, ...SHOP_RULES });
  const res = await http().post('/api/v1/tokens').set('Authorization', admin()).send({ name: 'fault-ingest', role: 'ingest' });
  ingest = `Bearer ${(res.body as { token: string }).token}`;
});
afterAll(async () => {
  await app?.close();
  await proxy?.close();
  await environment?.cleanup();
});

describe('Redis unavailable', () => {
  it(
    process.env.TEST_REDIS_URL
      ? 'keeps ingesting into the database, reports the queue down on /health without details, and joins once Redis is back'
      : 'needs no Redis with in-process jobs: ingest, the join and /health work',
    async () => {
      proxy?.down();
      const prediction = aPrediction();
      const res = await http()
        .post('/api/v1/predictions')
        .set('Authorization', ingest)
        .send(prediction)
        .timeout({ response: 10_000 });
      expect(res.status).toBe(201);
      const event = await http()
        .post('/api/v1/events')
        .set('Authorization', ingest)
        .send(anEvent(prediction.id as string, { type: 'click' }))
        .timeout({ response: 10_000 });
      expect(event.status).toBe(202);
      if (proxy) {
        const health = await http().get('/health').timeout({ response: 10_000 });
        expect(health.status).toBe(503);
        expect(health.body.queue.status).toBe('down');
        expect(health.body.queue.detail).toMatch(/^(no_answer|unavailable|database_unavailable)$/);
        expect(JSON.stringify(health.body)).not.toContain(String(proxy.port));
        proxy.up();
      }
      await eventually(async () => {
        const got = await http()
          .get(`/api/v1/models/shop/predictions/${prediction.id as string}`)
          .set('Authorization', admin());
        expect(got.body.effectiveLabel).toEqual({ label: 'click', source: 'direct' });
      }, 60_000);
      expect((await http().get('/health')).status).toBe(200);
    },
    120_000,
  );
});
