import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerModel } from '../factories/models.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { anEvent } from '../factories/events.js';
import { startTestApp, type TestApp } from '../support/app.js';
import {
  type Callers,
  callersOf,
  expectSound,
  fuzzSeed,
  mutated,
  NO_HANG,
  oddValue,
  runs,
  StatusTally,
} from '../support/fuzz.js';
import { ROUTE_ROLES } from './route-roles.js';

/**
 * Bodies that are not what a route expects: broken and deeply nested JSON, wrong content types and
 * encodings; and batches with one bad row, of which nothing may be stored.
 */
let t: TestApp;
let callers: Callers;
const seed = fuzzSeed('fuzz-body');
const tally = new StatusTally();
const WRITES = ROUTE_ROLES.filter((r) => r.method !== 'get');

beforeAll(async () => {
  t = await startTestApp({ AUTH_FAILURE_LIMIT: '1000000' });
  callers = await callersOf(t);
  await registerModel(t.http, t.adminToken, 'shop', SHOP_MODEL);
});
afterAll(async () => {
  tally.print('fuzz-body');
  await t?.close();
});

const nested = fc
  .tuple(fc.integer({ min: 20, max: 8000 }), fc.constantFrom('{"a":', '[', '{"a":[', '[{"b":'))
  .map(([depth, open]) => {
    const close = [...open]
      .reverse()
      .map((c) => ({ '{': '}', '[': ']' })[c] ?? '')
      .join('');
    return open.repeat(depth) + '1' + close.repeat(depth);
  });
const brokenJson = fc.oneof(
  fc.json().map((text) => text.slice(0, Math.max(0, text.length - 1))),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom(
    '',
    'null',
    '"text"',
    '1',
    '[]',
    '{',
    '{"a":}',
    '{"a":1,}',
    "{'a':1}",
    '\u0000',
    '\ufeff{}',
    '{"__proto__":{"x":1}}',
  ),
  fc.json(),
  nested,
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  '',
);

describe('fuzzing bodies', () => {
  it(`answers ${runs(2600)} broken, deep or mistyped bodies on every write route without a 5xx or a hang`, async () => {
    const request = fc.record({
      route: fc.constantFrom(...WRITES),
      body: brokenJson,
      type: contentType,
      encoding: fc.constantFrom(undefined, undefined, undefined, 'gzip', 'br', 'identity'),
      caller: fc.constantFrom('admin', 'ingest', 'labeler', 'none'),
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ route, body, type, encoding, caller }) => {
        const path = route.route.replace(/:model/g, 'shop').replace(/:(\w+)/g, '00000000-0000-0000-0000-000000000000');
        const agent = t.http();
        let req = agent[route.method](path)
          .set(callers.header(caller as 'admin'))
          .timeout(NO_HANG);
        if (type) req = req.set('Content-Type', type);
        if (encoding) req = req.set('Content-Encoding', encoding);
        const res = await req.send(body);
        tally.add(res.status);
        expectSound(res, `${route.method.toUpperCase()} ${path} as ${caller} (${type}, ${encoding}) with ${body.slice(0, 200)}`);
      }),
      { seed, numRuns: runs(2600), endOnFailure: true },
    );
  });

  it(`stores nothing of ${runs(500)} batches holding one mutated row, and all of those it accepts`, async () => {
    let n = 0;
    const batch = fc.record({
      kind: fc.constantFrom('predictions', 'events'),
      size: fc.integer({ min: 1, max: 30 }),
      badAt: fc.nat(),
      bad: fc.oneof(mutated(aPrediction()), oddValue),
      badEvent: mutated(anEvent('p')),
    });
    await fc.assert(
      fc.asyncProperty(batch, async ({ kind, size, badAt, bad, badEvent }) => {
        const prefix = `fzb${n++}-`;
        const rows: unknown[] = Array.from({ length: size }, (_, i) =>
          kind === 'predictions' ? aPrediction({ id: `${prefix}${i}` }) : anEvent(`${prefix}p${i}`, { id: `${prefix}${i}` }),
        );
        const mutant = kind === 'predictions' ? bad : badEvent;
        if (typeof mutant === 'object' && mutant !== null && !Array.isArray(mutant)) {
          // Its own id, so that what is stored can be told apart (unless the mutation dropped or replaced the id).
          const m = mutant as Record<string, unknown>;
          if (typeof m.id === 'string') m.id = `${prefix}bad`;
        }
        rows[badAt % size] = mutant;
        const res = await t
          .http()
          .post(`/api/v1/${kind}`)
          .set(callers.header('ingest'))
          .send({ [kind]: rows })
          .timeout(NO_HANG);
        tally.add(res.status);
        expectSound(res, `POST /api/v1/${kind} with a mutated row ${JSON.stringify(mutant)?.slice(0, 300)}`);
        const stored = await t.tables.count(kind, 'id LIKE ?', [`${prefix}%`]);
        if (res.status >= 300) expect(stored, `rejected ${res.status}: ${res.text.slice(0, 200)}`).toBe(0);
        else expect(stored).toBe((res.body as { accepted: number }).accepted);
      }),
      { seed, numRuns: runs(500), endOnFailure: true },
    );
  });
});
