import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withContextOf } from '../../src/cli/runner.js';
import { loadConfig } from '../../src/config/config.js';
import { Db } from '../../src/database/db.js';
import { EventsModule } from '../../src/events/events.module.js';
import { EventsService } from '../../src/events/events.service.js';
import { JoinService } from '../../src/events/join.service.js';
import { JobQueue, QueueName } from '../../src/jobs/job-queue.js';
import type { UpsertModelDto } from '../../src/models/models.dto.js';
import { ModelsService } from '../../src/models/models.service.js';
import { noteRequest, QUIET_MS } from '../../src/ops/foreground.js';
import { PredictionsService } from '../../src/predictions/predictions.service.js';
import { anEvent, SHOP_RULES } from '../factories/events.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { onPostgres, testEnvironment, type TestEnvironment } from '../support/app.js';

const EVENTS = 8000;
const FULL_STEP = 2000;

let environment: TestEnvironment;
beforeAll(async () => {
  // A budget of 1 ms: no step of 2,000 joined events fits in it, so a budgeted step is smaller.
  environment = await testEnvironment('relabel-join-steps-', { JOB_STEP_BUDGET_MS: '1' });
});
afterAll(() => environment?.cleanup());

describe('the label join, one step at a time', () => {
  it('takes full steps under writes alone, and budgeted ones on SQLite while people read', async () => {
    await withContextOf(loadConfig(environment.env), [EventsModule], async (app) => {
      await app.get(ModelsService).upsert('shop', { ...SHOP_MODEL, ...SHOP_RULES } as unknown as UpsertModelDto);
      const predictions = Array.from({ length: EVENTS }, (_, i) => aPrediction({ id: `step-${i}` }));
      for (let i = 0; i < EVENTS; i += 1000) {
        await app.get(PredictionsService).ingest({ predictions: predictions.slice(i, i + 1000) }, null);
        await app.get(EventsService).ingest({ events: predictions.slice(i, i + 1000).map((p) => anEvent(p.id as string)) });
      }
      // The ingest asks for the join, and this context's in-process queue runs it: let it finish, then
      // make every event new again, with no job left to take them.
      await app.get(JobQueue).drain(QueueName.Labels);
      const db = app.get(Db);
      await db.tx((tx) => tx.run("UPDATE events SET state = 'new', processed_at = NULL WHERE model = 'shop'"));
      const join = app.get(JoinService);
      const now = Date.now();
      const [row] = await db.tx((tx) => tx.all<{ n: number | string }>("SELECT COUNT(*) AS n FROM events WHERE state = 'new'"));
      const waiting = Number(row.n);
      expect(waiting).toBe(EVENTS);
      // Writes only (the ingest above does not count): whole steps, and a step measured meanwhile.
      noteRequest('POST', '/api/v1/events', now - 2 * QUIET_MS);
      expect(await join.applyNewEvents(now)).toBe(FULL_STEP);
      expect(await join.applyNewEvents(now)).toBe(FULL_STEP);
      // Someone opens a page: on SQLite the next step fits the budget; PostgreSQL does not block.
      noteRequest('GET', '/slices/shop');
      const budgeted = await join.applyNewEvents(now);
      if (onPostgres) expect(budgeted).toBe(FULL_STEP);
      else {
        expect(budgeted).toBeLessThan(FULL_STEP);
        expect(budgeted).toBeGreaterThanOrEqual(100);
      }
      // Every event is still joined, whatever the steps were.
      let applied = 2 * FULL_STEP + budgeted;
      for (let n = await join.applyNewEvents(now); n > 0; n = await join.applyNewEvents(now)) applied += n;
      expect(applied).toBe(waiting);
    });
  });
});
