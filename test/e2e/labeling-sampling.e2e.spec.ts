import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db } from '../../src/database/db.js';
import { predictionAddresses } from '../../src/database/dialect.js';
import { CandidatesRepository, type PoolSpec } from '../../src/labeling/candidates.repository.js';
import { SeededRandom } from '../../src/common/random.js';
import { registerModel } from '../factories/models.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { onPostgres, startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
const pool: string[] = [];
const labeled: string[] = [];
const spec: PoolSpec = { model: 'sampled', includeDirect: false, filters: {} };

/**
 * The pool (400 predictions of one model) is interleaved in the table with rows that must never be
 * drawn: another model's predictions and labeled ones, so random addresses often miss.
 */
beforeAll(async () => {
  t = await startTestApp();
  const ingest = `Bearer ${await t.tokenFor('ingest')}`;
  const labeler = `Bearer ${await t.tokenFor('labeler')}`;
  await registerModel(t.http, t.adminToken, 'sampled', SHOP_MODEL);
  await registerModel(t.http, t.adminToken, 'other', SHOP_MODEL);
  const make = (model: string) => {
    const id = `${model}-${randomUUID()}`;
    return aPrediction({ id, model, features: { price: 1, country: 'de', device: 'mobile', title: id } });
  };
  for (let chunk = 0; chunk < 10; chunk++) {
    const mine = Array.from({ length: 42 }, () => make('sampled'));
    for (const body of [{ predictions: mine }, { predictions: Array.from({ length: 40 }, () => make('other')) }]) {
      const res = await t.http().post('/api/v1/predictions').set('Authorization', ingest).send(body);
      expect(res.status).toBe(201);
    }
    pool.push(...mine.slice(0, 40).map((p) => p.id as string));
    labeled.push(...mine.slice(40).map((p) => p.id as string));
  }
  for (const predictionId of labeled) {
    const res = await t
      .http()
      .post('/api/v1/labels')
      .set('Authorization', labeler)
      .send({ model: 'sampled', predictionId, label: 'click' });
    expect(res.status).toBe(201);
  }
});
afterAll(() => t.close());

describe(`random sampling by row address on ${onPostgres ? 'PostgreSQL (ctid)' : 'SQLite (rowid)'}`, () => {
  it('draws only pool rows, each at most once, uniformly over the pool', async () => {
    const db = t.app.get(Db);
    const candidates = t.app.get(CandidatesRepository);
    const space = await db.tx((tx) => predictionAddresses(tx));
    // A budget well below the address space, so that the probing path runs rather than the scan fallback.
    const budget = Math.floor(space.size / 3);
    const position = new Map(pool.map((id, i) => [id, i]));
    const perTenth = new Array<number>(10).fill(0);
    for (let seed = 1; seed <= 100; seed++) {
      const drawn = await db.tx((tx) => candidates.sample(tx, spec, 20, new SeededRandom(seed), { budget }));
      expect(drawn.via).toBe('addresses');
      const ids = drawn.rows.map((r) => r.id);
      expect(ids).toHaveLength(20);
      expect(new Set(ids).size).toBe(20);
      for (const id of ids) {
        expect(position.has(id), `${id} is not in the pool`).toBe(true);
        perTenth[Math.floor(position.get(id)! / 40)]++;
      }
    }
    // 2,000 draws over ten equal tenths of the pool: 200 expected in each. Chi-square, 9 degrees of
    // freedom, 27.9 at p = 0.001 (the seeds are fixed, so this is deterministic).
    const chiSquare = perTenth.reduce((sum, n) => sum + (n - 200) ** 2 / 200, 0);
    expect(chiSquare, `draws per tenth of the pool: ${perTenth.join(', ')}`).toBeLessThan(27.9);
  });

  it('falls back to reading the pool when the table is small, and says when that is the whole pool', async () => {
    const db = t.app.get(Db);
    const drawn = await db.tx((tx) => t.app.get(CandidatesRepository).sample(tx, spec, 1000, new SeededRandom(3)));
    expect(drawn.via).toBe('scan');
    expect(drawn.exhausted).toBe(true);
    expect(new Set(drawn.rows.map((r) => r.id))).toEqual(new Set(pool));
  });
});
