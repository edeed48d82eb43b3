import { HttpException } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PredictionsService } from '../../src/predictions/predictions.service.js';
import { registerModel } from '../factories/models.js';
import { aPrediction } from '../factories/predictions.js';
import { onPostgres, startTestApp, type TestApp } from '../support/app.js';

// Concurrent small ingests share one SQLite transaction (src/database/group-commit.ts); each must
// still succeed or fail on its own, as if it had committed alone.
let t: TestApp;
let ingest: string;
let service: PredictionsService;
const storedCalls: string[][] = [];
const POISON = 'group-poison';

beforeAll(async () => {
  t = await startTestApp();
  await registerModel(t.http, t.adminToken);
  ingest = `Bearer ${await t.tokenFor('ingest')}`;
  // A listener in the ingest transaction: it records what each call saw and fails on one id, as a
  // fault in a maintained count would.
  service = t.app.get(PredictionsService);
  service.onStored(async (_tx, stored) => {
    storedCalls.push(stored.map((p) => p.id));
    if (stored.some((p) => p.id.startsWith(POISON))) throw new Error('listener fault');
  });
});
afterAll(() => t.close());

const post = (body: unknown) =>
  t
    .http()
    .post('/api/v1/predictions')
    .set('Authorization', ingest)
    .send(body as object);

/**
 * Ingests submitted in one turn of the event loop, as a busy service sees its requests: the HTTP
 * status each would answer (201, or the error's).
 */
async function ingestTogether(bodies: unknown[]): Promise<number[]> {
  return Promise.all(
    bodies.map((body) =>
      service.ingest(body, null).then(
        () => 201,
        (error: unknown) => (error instanceof HttpException ? error.getStatus() : 500),
      ),
    ),
  );
}

async function storedCount(ids: string[]): Promise<number> {
  let n = 0;
  for (const id of ids) n += await t.tables.count('predictions', "model = 'shop' AND id = ?", [id]);
  return n;
}

describe('group commit of concurrent ingests', () => {
  it('stores every one of many concurrent single predictions exactly once, sharing transactions on SQLite', async () => {
    storedCalls.length = 0;
    const bodies = Array.from({ length: 30 }, (_, i) => aPrediction({ id: `group-ok-${i}` }));
    expect(await ingestTogether(bodies)).toEqual(bodies.map(() => 201));
    expect(await storedCount(bodies.map((b) => b.id as string))).toBe(30);
    // Each stored prediction went through the ingest transaction's listeners exactly once.
    expect(storedCalls.flat().sort()).toEqual(bodies.map((b) => b.id as string).sort());
    // On SQLite the 30 arrived together and shared one transaction; PostgreSQL commits each alone.
    expect(storedCalls.length).toBe(onPostgres ? 30 : 1);
  });

  it('answers each of many concurrent HTTP requests with its own result', async () => {
    const bodies = Array.from({ length: 20 }, (_, i) => aPrediction({ id: `group-http-${i}` }));
    const responses = await Promise.all(bodies.map(post));
    expect(responses.map((r) => r.status)).toEqual(bodies.map(() => 201));
    expect(responses.every((r) => r.body.accepted === 1 && r.body.duplicates === 0)).toBe(true);
    expect(await storedCount(bodies.map((b) => b.id as string))).toBe(20);
  });

  it('answers 409 to the one conflicting request and stores the others that arrived with it', async () => {
    const taken = aPrediction({ id: 'group-taken' });
    expect((await post(taken)).status).toBe(201);
    const others = Array.from({ length: 10 }, (_, i) => aPrediction({ id: `group-side-${i}` }));
    const conflicting = { predictions: [aPrediction({ id: 'group-new-in-conflict' }), { ...taken, prediction: 'purchase' }] };
    const statuses = await ingestTogether([...others.slice(0, 5), conflicting, ...others.slice(5)]);
    expect(statuses).toEqual([201, 201, 201, 201, 201, 409, 201, 201, 201, 201, 201]);
    expect(await storedCount(others.map((b) => b.id as string))).toBe(10);
    // The conflicting batch is undone as a whole, its new row included.
    expect(await storedCount(['group-new-in-conflict'])).toBe(0);
  });

  it('counts a re-send that arrives in the same group as the original as a duplicate', async () => {
    const p = aPrediction({ id: 'group-twice' });
    const outcomes = await Promise.all([service.ingest(p, null), service.ingest(p, null)]);
    expect(outcomes).toEqual([
      { accepted: 1, duplicates: 0 },
      { accepted: 0, duplicates: 1 },
    ]);
    expect(await storedCount(['group-twice'])).toBe(1);
  });

  it('fails only the request whose rows make the shared step fail, and keeps the rest', async () => {
    const good = Array.from({ length: 6 }, (_, i) => aPrediction({ id: `group-fine-${i}` }));
    const poison = aPrediction({ id: `${POISON}-1` });
    const statuses = await ingestTogether([...good.slice(0, 3), poison, ...good.slice(3)]);
    expect(statuses).toEqual([201, 201, 201, 500, 201, 201, 201]);
    expect(await storedCount(good.map((b) => b.id as string))).toBe(6);
    expect(await storedCount([poison.id as string])).toBe(0);
  });
});
