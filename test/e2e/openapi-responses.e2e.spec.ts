import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent, SHOP_RULES } from '../factories/events.js';
import { registerModel } from '../factories/models.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { conformance, type Schema, type SchemaDoc } from '../support/openapi-conformance.js';

// The OpenAPI document's response schemas against what the service really answers: a scenario
// touches every kind of object, then every GET route is read with real ids. A body that has a
// documented schema must conform to it (types, required and undeclared properties, enums).

type Operation = { responses: Record<string, { content?: Record<string, { schema: Schema }> }> };
type Doc = SchemaDoc & { paths: Record<string, Record<string, Operation>> };

let t: TestApp;
let doc: Doc;
let labeler: string;
const ids: Record<string, string> = {};
const checked: string[] = [];
const problems: string[] = [];
const unschemed = new Set<string>();

function check(method: string, route: string, status: number, body: unknown): void {
  const response = doc.paths[route]?.[method]?.responses[String(status)];
  if (!response) {
    problems.push(`${method.toUpperCase()} ${route}: answered ${status}, which is not documented`);
    return;
  }
  const schema = response.content?.['application/json']?.schema;
  if (!schema) {
    if (status !== 204) unschemed.add(`${method.toUpperCase()} ${route} ${status}`);
    return;
  }
  checked.push(`${method.toUpperCase()} ${route} ${status}`);
  problems.push(...conformance(doc, schema, body).map((p) => `${method.toUpperCase()} ${route} ${status}: ${p}`));
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function call(method: 'get' | 'post' | 'put', route: string, url: string, token: string, body?: unknown) {
  const req = t.http()[method](url).set(bearer(token));
  const res = body === undefined ? await req : await req.send(body as object);
  check(method, route, res.status, res.body);
  return res;
}

beforeAll(async () => {
  t = await startTestApp();
  labeler = await t.tokenFor('labeler');
  const ingest = await t.tokenFor('ingest');
  doc = (await t.http().get('/docs/json').set(bearer(t.adminToken))).body as Doc;
  const model = await t
    .http()
    .put('/api/v1/models/shop')
    .set(bearer(t.adminToken))
    .send({ ...SHOP_MODEL, ...SHOP_RULES });
  check('put', '/api/v1/models/{model}', model.status, model.body);
  await registerModel(t.http, t.adminToken, 'shop', { ...SHOP_MODEL, ...SHOP_RULES });
  const predictions = Array.from({ length: 40 }, (_, i) =>
    aPrediction({
      id: `p-${i}`,
      prediction: ['purchase', 'click', 'ignore'][i % 3],
      timestamp: new Date(Date.now() - 3_600_000 + i * 1000).toISOString(),
    }),
  );
  await call('post', '/api/v1/predictions', '/api/v1/predictions', ingest, { predictions });
  await call('post', '/api/v1/events', '/api/v1/events', ingest, {
    events: predictions.slice(0, 20).map((p) => anEvent(String(p.id))),
  });
  await call('post', '/api/v1/labels', '/api/v1/labels', labeler, { model: 'shop', predictionId: 'p-30', label: 'click' });
  const batch = await call(
    'post',
    '/api/v1/models/{model}/labeling-batches',
    '/api/v1/models/shop/labeling-batches',
    t.adminToken,
    {
      size: 6,
    },
  );
  ids.batch = batch.body.id;
  const task = await call('get', '/api/v1/models/{model}/labeling/next', '/api/v1/models/shop/labeling/next', labeler);
  ids.task = task.body.taskId;
  await call('post', '/api/v1/labeling/tasks/{id}', `/api/v1/labeling/tasks/${ids.task}`, labeler, { label: 'click' });
  await call('post', '/api/v1/labeling/tasks/{id}/undo', `/api/v1/labeling/tasks/${ids.task}/undo`, labeler);
  await call('post', '/api/v1/labeling/tasks/{id}', `/api/v1/labeling/tasks/${ids.task}`, labeler, { label: 'click' });
  await call('post', '/api/v1/models/{model}/labeling/undo', '/api/v1/models/shop/labeling/undo', labeler);
  await call('post', '/api/v1/models/{model}/baselines', '/api/v1/models/shop/baselines', t.adminToken, {
    name: 'train',
    rows: predictions.map((p) => ({ features: p.features, prediction: p.prediction, scores: p.scores })),
  });
  const fn = await call(
    'put',
    '/api/v1/models/{model}/labeling-functions/{name}',
    '/api/v1/models/shop/labeling-functions/kw',
    t.adminToken,
    {
      kind: 'keyword',
      feature: 'title',
      keywords: ['shoes'],
      label: 'click',
    },
  );
  ids.name = 'kw';
  const run = await call('post', '/api/v1/models/{model}/weak-runs', '/api/v1/models/shop/weak-runs', t.adminToken, {
    kind: 'fit',
  });
  ids.run = run.body.id ?? fn.body.applyRun;
  const exported = await call('post', '/api/v1/models/{model}/exports', '/api/v1/models/shop/exports', t.adminToken, {
    format: 'jsonl',
    acknowledgeWarnings: true,
    acknowledgeBlocking: true,
  });
  ids.export = exported.body.id;
  const token = await call('post', '/api/v1/tokens', '/api/v1/tokens', t.adminToken, { name: 'conformance', role: 'ingest' });
  ids.token = token.body.id;
});
afterAll(() => t.close());

describe('the OpenAPI response schemas', () => {
  it('describe what every GET route answers, with real ids', async () => {
    const values: Record<string, string> = { model: 'shop', key: 'country', value: 'de', name: ids.name };
    const idFor = (route: string) =>
      route.includes('/predictions/')
        ? 'p-3'
        : route.includes('labeling-batches')
          ? ids.batch
          : route.includes('weak-runs')
            ? ids.run
            : route.includes('/exports/')
              ? ids.export
              : ids.token;
    for (const [route, ops] of Object.entries(doc.paths)) {
      if (!ops.get || route.endsWith('/download')) continue;
      const url = route.replace(/\{(\w+)\}/g, (_, p: string) => encodeURIComponent(p === 'id' ? idFor(route) : values[p]));
      const res = await call('get', route, url, t.adminToken);
      expect.soft(res.status, `GET ${url}`).toBeLessThan(300);
    }
    expect(problems).toEqual([]);
    expect([...unschemed]).toEqual([]);
    expect(checked.length).toBeGreaterThan(20);
  });
});
