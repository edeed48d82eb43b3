import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { registerModel } from '../factories/models.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { startTestApp, type TestApp } from '../support/app.js';
import {
  type Callers,
  callerFor,
  callersOf,
  expectSound,
  fuzzSeed,
  NO_HANG,
  oddSegment,
  oddString,
  runs,
  StatusTally,
} from '../support/fuzz.js';
import { ROUTE_ROLES } from './route-roles.js';

/** Every read route with odd path parameters and odd query strings, from every caller: no 5xx, no hang. */
let t: TestApp;
let callers: Callers;
const seed = fuzzSeed('fuzz-read');
const tally = new StatusTally();

/** Query parameters the read routes take, and some they do not. */
const QUERY_KEYS = ['from', 'to', 'version', 'source', 'bucket', 'state', 'limit', 'batch', 'window', 'sort', 'dir', 'next'];
const READS = ROUTE_ROLES.filter((r) => r.method === 'get');

beforeAll(async () => {
  t = await startTestApp({ AUTH_FAILURE_LIMIT: '1000000' });
  callers = await callersOf(t);
  await registerModel(t.http, t.adminToken, 'shop', SHOP_MODEL);
  const predictions = Array.from({ length: 20 }, (_, i) => aPrediction({ id: `fz-p${i}` }));
  await t.http().post('/api/v1/predictions').set(callers.header('admin')).send({ predictions }).expect(201);
});
afterAll(async () => {
  tally.print('fuzz-read');
  await t?.close();
});

const queryValue = fc.oneof(
  oddString,
  fc.constantFrom('2026-01-01T00:00:00Z', '2026-01-01', 'all', 'manual', 'day', 'hour', 'firing', '10', '0', '-1', '1e9'),
);
const queryString = fc
  .array(
    fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), oddString), fc.oneof(queryValue, fc.array(queryValue, { maxLength: 3 }))),
    {
      maxLength: 4,
    },
  )
  .map((pairs) =>
    pairs
      .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${encode(k)}=${encode(x)}`))
      .concat([''])
      .join('&'),
  );

function encode(text: string): string {
  return encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '\ufffd'));
}

describe('fuzzing every read route', () => {
  it(`answers ${runs(3500)} odd reads from every caller without a 5xx or a hang`, async () => {
    const request = fc.constantFrom(...READS).chain((route) =>
      fc.record({
        route: fc.constant(route),
        params: fc.array(fc.oneof({ weight: 2, arbitrary: fc.constantFrom('shop', 'fz-p1', 'country', 'de') }, oddSegment), {
          minLength: 4,
          maxLength: 4,
        }),
        query: queryString,
        caller: callerFor(route.roles),
        accept: fc.constantFrom('application/json', 'text/html', '*/*', 'text/csv'),
      }),
    );
    await fc.assert(
      fc.asyncProperty(request, async ({ route, params, query, caller, accept }) => {
        let i = 0;
        const path = route.route.replace(/:(\w+)/g, () => params[i++]) + (query ? `?${query}` : '');
        const res = await t.http().get(path).set(callers.header(caller)).set('Accept', accept).timeout(NO_HANG);
        tally.add(res.status);
        expectSound(res, `GET ${path} as ${caller} (${accept})`);
      }),
      { seed, numRuns: runs(3500), endOnFailure: true },
    );
  });
});
