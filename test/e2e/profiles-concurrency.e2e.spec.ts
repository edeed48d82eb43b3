import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Db } from '../../src/database/db.js';
import { ProfilesService } from '../../src/monitoring/profiles.service.js';
import { registerModel } from '../factories/models.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { startTestApp, type TestApp } from '../support/app.js';

// The profile job merges outside its transaction and writes inside it (profiles.service.ts): these
// force another writer in between and check that every prediction is still counted exactly once.

let t: TestApp;
let ingest: string;

beforeAll(async () => {
  t = await startTestApp();
  ingest = `Bearer ${await t.tokenFor('ingest')}`;
});
afterAll(() => t?.close());

async function sendBatch(model: string, n: number, at: number): Promise<number> {
  const predictions = Array.from({ length: n }, (_, i) =>
    aPrediction({
      model,
      timestamp: new Date(at + i).toISOString(),
      features: { price: i, country: 'de', device: 'mobile', title: 't' },
    }),
  );
  const res = await t.http().post('/api/v1/predictions').set('Authorization', ingest).send({ predictions });
  expect(res.status).toBe(201);
  const row = await t.tables.get<{ seq: number }>('SELECT MAX(seq) AS seq FROM monitoring_pending WHERE model = ?', [model]);
  return Number(row!.seq);
}

async function profiledCounts(model: string) {
  const rows = await t.tables.all<{ grain: string; n: number }>(
    `SELECT grain, SUM(n) AS n FROM monitoring_profiles WHERE model = ? AND slice_key = '*' AND feature = '__predictions__' GROUP BY grain`,
    [model],
  );
  return Object.fromEntries(rows.map((r) => [r.grain, Number(r.n)]));
}

/** Runs `meanwhile` just before the next transaction of the profile job begins. */
function beforeNextTransaction(meanwhile: () => Promise<void>) {
  const db = t.app.get(Db);
  const original = db.tx.bind(db);
  let armed = true;
  return vi.spyOn(db, 'tx').mockImplementation(async (fn) => {
    if (armed) {
      armed = false;
      await meanwhile();
    }
    return original(fn);
  });
}

describe('the profile job with another writer between its merge and its transaction', () => {
  it('merges again from what is stored when the same bucket was written meanwhile', async () => {
    const model = 'prof-race';
    await registerModel(t.http, t.adminToken, model, SHOP_MODEL);
    const profiles = t.app.get(ProfilesService);
    await profiles.applyPending(Infinity);
    const hour = Math.floor((Date.now() - 3 * 3_600_000) / 3_600_000) * 3_600_000;
    const first = await sendBatch(model, 120, hour + 1000);
    await sendBatch(model, 80, hour + 5000);
    // Meanwhile a second writer profiles the second batch into the same hour and day.
    const spy = beforeNextTransaction(async () => {
      await t.tables.run('UPDATE monitoring_pending SET dead_lettered_at = 1 WHERE seq = ?', [first]);
      expect(await profiles.applyChunk(1)).toMatchObject({ markers: 1, predictions: 80 });
      await t.tables.run('UPDATE monitoring_pending SET dead_lettered_at = NULL WHERE seq = ?', [first]);
    });
    try {
      expect(await profiles.applyChunk(1)).toMatchObject({ markers: 1, predictions: 120 });
    } finally {
      spy.mockRestore();
    }
    expect(await profiledCounts(model)).toEqual({ hour: 200, day: 200 });
  });

  it('writes nothing for markers another writer applied meanwhile', async () => {
    const model = 'prof-twice';
    await registerModel(t.http, t.adminToken, model, SHOP_MODEL);
    const profiles = t.app.get(ProfilesService);
    await profiles.applyPending(Infinity);
    await sendBatch(model, 50, Date.now() - 3_600_000);
    const spy = beforeNextTransaction(async () => {
      expect(await profiles.applyChunk(1)).toMatchObject({ markers: 1, predictions: 50 });
    });
    try {
      expect(await profiles.applyChunk(1)).toMatchObject({ markers: 0 });
    } finally {
      spy.mockRestore();
    }
    expect(await profiledCounts(model)).toEqual({ hour: 50, day: 50 });
    expect(await t.tables.count('monitoring_pending', 'model = ?', [model])).toBe(0);
  });
});
