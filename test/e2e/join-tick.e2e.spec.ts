import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventsService } from '../../src/events/events.service.js';
import { JoinService } from '../../src/events/join.service.js';
import { JobQueue, QueueName } from '../../src/jobs/job-queue.js';
import { anEvent, SHOP_RULES } from '../factories/events.js';
import { registerModel } from '../factories/models.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
let ingest: string;

beforeAll(async () => {
  t = await startTestApp();
  ingest = `Bearer ${await t.tokenFor('ingest')}`;
  await registerModel(t.http, t.adminToken, 'shop', { ...SHOP_MODEL, ...SHOP_RULES, eventGrace: '1ms' });
});
afterAll(() => t?.close());

describe('the join tick', () => {
  it('applies events that arrive while it runs, though their request for a join is deduplicated away', async () => {
    const id = 'tick-late-comer';
    const prediction = aPrediction({ id, timestamp: new Date(Date.now() - 60_000).toISOString() });
    expect((await t.http().post('/api/v1/predictions').set('Authorization', ingest).send(prediction)).status).toBe(201);
    const jobs = t.app.get(JobQueue);
    await jobs.drain(QueueName.Labels);
    // The event comes in after the tick has applied the new events it found, while it closes windows.
    const join = t.app.get(JoinService);
    const original = join.closeImplicitWindows.bind(join);
    let sent = false;
    const spy = vi.spyOn(join, 'closeImplicitWindows').mockImplementation(async (now) => {
      if (!sent) {
        sent = true;
        const res = await t
          .http()
          .post('/api/v1/events')
          .set('Authorization', ingest)
          .send(anEvent(id, { type: 'click' }));
        expect(res.status).toBe(202);
      }
      return original(now);
    });
    try {
      await t.app.get(EventsService).requestJoin();
      await jobs.drain(QueueName.Labels);
    } finally {
      spy.mockRestore();
    }
    expect(sent).toBe(true);
    const events = await t.tables.all<{ state: string }>('SELECT state FROM events WHERE model = ? AND prediction_id = ?', [
      'shop',
      id,
    ]);
    expect(events.map((e) => e.state)).toEqual(['applied']);
    const [p] = await t.tables.all<{ effective_label: string; effective_source: string }>(
      'SELECT effective_label, effective_source FROM predictions WHERE model = ? AND id = ?',
      ['shop', id],
    );
    expect(p).toEqual({ effective_label: 'click', effective_source: 'direct' });
  });
});
