import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db } from '../../src/database/db.js';
import { onPostgres, startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('operations', () => {
  it('documents every API route in OpenAPI, generated from the DTOs', async () => {
    const res = await t.http().get('/docs/json').set('Authorization', `Bearer ${t.adminToken}`);
    expect(res.status).toBe(200);
    const paths = Object.keys(res.body.paths as Record<string, unknown>);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/models/{model}',
        '/api/v1/models',
        '/api/v1/predictions',
        '/api/v1/models/{model}/predictions/{id}',
        '/api/v1/events',
        '/api/v1/labels',
        '/api/v1/tokens',
        '/api/v1/tokens/{id}',
      ]),
    );
    expect(res.body.components.schemas.PredictionInputDto.required).toEqual(
      expect.arrayContaining(['id', 'model', 'modelVersion', 'features', 'prediction', 'scores']),
    );
    expect(res.body.components.schemas.UpsertModelDto.properties.classes).toMatchObject({
      type: 'array',
      minItems: 2,
      maxItems: 100,
    });
  });

  it('documents a 2xx and a 4xx with the error body for every operation, and a server entry', async () => {
    const res = await t.http().get('/docs/json').set('Authorization', `Bearer ${t.adminToken}`).expect(200);
    const doc = res.body as {
      servers: { url: string }[];
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
    };
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/' })]);
    const undocumented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).flatMap(([method, op]) => {
        const statuses = Object.keys(op.responses);
        const errors = statuses.filter((s) => Number(s) >= 400);
        const bare = errors.filter((s) => !op.responses[s].content?.['application/json']);
        const problems = [
          ...(statuses.some((s) => s.startsWith('2')) ? [] : ['no 2xx']),
          ...(errors.some((s) => s.startsWith('4')) ? [] : ['no 4xx']),
          ...bare.map((s) => `${s} without the error body`),
        ];
        return problems.map((p) => `${method.toUpperCase()} ${path}: ${p}`);
      }),
    );
    expect(undocumented).toEqual([]);
    expect(res.body.paths['/api/v1/models/{model}'].get.responses['404'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ApiErrorDto',
    });
    expect(res.body.components.schemas.ApiErrorDto.required).toEqual(['statusCode', 'error', 'message']);
  });

  it('counts requests by route and status', async () => {
    await t.http().get('/api/v1/models').set('Authorization', `Bearer ${t.adminToken}`);
    const res = await t.http().get('/metrics').set('Authorization', `Bearer ${t.adminToken}`);
    expect(res.text).toMatch(/relabel_http_requests_total\{method="GET",route="\/api\/v1\/models",status="200"\} [1-9]/);
    expect(res.text).toContain('relabel_queue_jobs{');
    expect(res.text).toContain('relabel_process_resident_memory_bytes');
  });

  it('echoes a request id, or makes one', async () => {
    const given = await t.http().get('/health').set('x-request-id', 'req-123');
    expect(given.headers['x-request-id']).toBe('req-123');
    const made = await t.http().get('/health');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports health without credentials: 200 while the database answers, 503 once it does not', async () => {
    const ok = await t.http().get('/health');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      status: 'ok',
      role: 'all',
      database: { status: 'ok', kind: onPostgres ? 'postgres' : 'sqlite' },
      queue: { status: 'ok', driver: onPostgres ? 'bullmq' : 'in-process' },
    });
    await t.app.get(Db).dataSource.destroy();
    const down = await t.http().get('/health');
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: 'down', database: { status: 'down' } });
  });
});
