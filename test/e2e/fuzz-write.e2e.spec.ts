import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { registerModel } from '../factories/models.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { anEvent, SHOP_RULES } from '../factories/events.js';
import { startTestApp, type TestApp } from '../support/app.js';
import {
  type Callers,
  callerFor,
  callersOf,
  expectSound,
  fuzzSeed,
  mutated,
  NO_HANG,
  oddSegment,
  runs,
  StatusTally,
} from '../support/fuzz.js';
import { ROUTE_ROLES } from './route-roles.js';

/**
 * Every write route (POST, PUT, PATCH, DELETE in the route table) gets mutated valid bodies, odd path
 * parameters and every caller. No answer may be a 5xx or hang; API 400s name the field.
 */
let t: TestApp;
let callers: Callers;
const seed = fuzzSeed('fuzz-write');
const tally = new StatusTally();

/** A valid body for the routes that have one; others are fuzzed from an empty object. */
const VALID: Record<string, () => Record<string, unknown>> = {
  'post /api/v1/tokens': () => ({ name: 'fz', role: 'labeler' }),
  'put /api/v1/models/:model': () => ({ ...SHOP_MODEL, ...SHOP_RULES }),
  'post /api/v1/predictions': () => aPrediction(),
  'post /api/v1/events': () => anEvent('fz-p0'),
  'post /api/v1/labels': () => ({ model: 'shop', predictionId: 'fz-p1', label: 'click' }),
  'post /api/v1/models/:model/labeling-batches': () => ({
    size: 3,
    strategy: 'margin',
    auditFraction: 0.1,
    filters: { from: '2026-01-01T00:00:00Z', slices: { country: 'de' } },
  }),
  'post /api/v1/labeling/tasks/:id': () => ({ label: 'click' }),
  'post /api/v1/models/:model/exports': () => ({ format: 'csv', mitigation: 'none', from: '2026-01-01T00:00:00Z' }),
  'post /labeling/:model/tasks/:id': () => ({ label: 'click' }),
  'post /labeling/:model/batches': () => ({ size: '3', strategy: 'entropy' }),
  'post /models/:model/slices/labeling-batch': () => ({ key: 'country', value: 'de', size: '3' }),
  'post /models/:model/exports': () => ({ format: 'csv', mitigation: 'none', from: '2026-01-01' }),
  'post /api/v1/models/:model/baselines': () => ({ name: 'fz', rows: [{ price: 1, country: 'de', title: 'a b' }] }),
};

const WRITES = ROUTE_ROLES.filter((r) => r.method !== 'get' && r.route !== '/logout');

beforeAll(async () => {
  t = await startTestApp({ AUTH_FAILURE_LIMIT: '1000000', LOG_LEVEL: 'silent' });
  callers = await callersOf(t);
  await registerModel(t.http, t.adminToken, 'shop', { ...SHOP_MODEL, ...SHOP_RULES });
  const predictions = Array.from({ length: 20 }, (_, i) => aPrediction({ id: `fz-p${i}` }));
  await t.http().post('/api/v1/predictions').set(callers.header('admin')).send({ predictions }).expect(201);
});
afterAll(async () => {
  tally.print('fuzz-write');
  await t?.close();
});

const pathArb = (route: string) => {
  const names = [...route.matchAll(/:(\w+)/g)].map((m) => m[1]);
  const sane: Record<string, string> = { model: 'shop', id: '00000000-0000-0000-0000-000000000000' };
  return fc
    .tuple(...names.map((name) => fc.oneof({ weight: 3, arbitrary: fc.constant(sane[name] ?? 'x') }, oddSegment)))
    .map((values) => {
      let i = 0;
      return route.replace(/:(\w+)/g, () => values[i++]);
    });
};

describe('fuzzing every write route', () => {
  it(`answers ${runs(3500)} mutated requests from every caller without a 5xx or a hang`, async () => {
    const request = fc.constantFrom(...WRITES).chain((route) =>
      fc.record({
        route: fc.constant(route),
        path: pathArb(route.route),
        body: mutated(VALID[`${route.method} ${route.route}`]?.() ?? {}),
        caller: callerFor(route.roles),
        form: fc.boolean(),
      }),
    );
    await fc.assert(
      fc.asyncProperty(request, async ({ route, path, body, caller, form }) => {
        const isPage = !route.route.startsWith('/api/');
        let req = t.http()[route.method](path).set(callers.header(caller)).timeout(NO_HANG);
        req = isPage && form && isFlat(body) ? req.type('form') : req.type('json');
        const res = await req.send(body as object);
        tally.add(res.status);
        expectSound(res, `${route.method.toUpperCase()} ${path} as ${caller} with ${JSON.stringify(body)?.slice(0, 500)}`);
      }),
      { seed, numRuns: runs(3500), endOnFailure: true },
    );
  });
});

function isFlat(body: unknown): body is Record<string, string> {
  return (
    typeof body === 'object' &&
    body !== null &&
    !Array.isArray(body) &&
    Object.values(body).every((v) => typeof v === 'string' || typeof v === 'number')
  );
}
