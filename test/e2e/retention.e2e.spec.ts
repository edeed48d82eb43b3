import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventsRepository } from '../../src/events/events.repository.js';
import { exportsDir } from '../../src/exports/export-files.js';
import { JobQueue, QueueName } from '../../src/jobs/job-queue.js';
import { RetentionProcessor } from '../../src/retention/retention.processor.js';
import { RETENTION_CHUNK, RetentionService } from '../../src/retention/retention.service.js';
import { SlicesProcessor } from '../../src/slices/slices.processor.js';
import { registerModel } from '../factories/models.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { eventually } from '../support/eventually.js';

const DAY = 86_400_000;
let t: TestApp;
let admin: string;
let labeler: string;

beforeAll(async () => {
  // Orphaned events go at once, so the job run through the queue has something to delete; the rest keep the defaults.
  t = await startTestApp({ RETENTION_ORPHANED_EVENTS: '1ms' });
  admin = `Bearer ${t.adminToken}`;
  labeler = `Bearer ${await t.tokenFor('labeler')}`;
  await registerModel(t.http, t.adminToken, 'shop', SHOP_MODEL);
});
afterAll(() => t?.close());

async function finishedExport(): Promise<string> {
  const created = await t
    .http()
    .post('/api/v1/models/shop/exports')
    .set('Authorization', admin)
    .send({ format: 'csv', mitigation: 'none', acknowledgeWarnings: true, acknowledgeBlocking: true });
  expect(created.status).toBe(202);
  const id = (created.body as { id: string }).id;
  await eventually(async () => {
    const res = await t.http().get(`/api/v1/exports/${id}`).set('Authorization', admin);
    expect(res.body.status).toBe('done');
  });
  return id;
}

function filesOf(id: string): string[] {
  const dir = exportsDir(t.dataDir);
  return existsSync(dir) ? readdirSync(dir).filter((name) => name.startsWith(id)) : [];
}

async function rollUp(): Promise<void> {
  await t.app.get(SlicesProcessor).requestRollup();
  await t.app.get(JobQueue).drain(QueueName.Slices);
}

describe('DELETE /api/v1/exports/:id', () => {
  it('removes a finished export: row, manifest, file and manifest file; then it is a 404', async () => {
    const id = await finishedExport();
    expect(filesOf(id).sort()).toEqual([`${id}.csv`, `${id}.manifest.json`]);
    const res = await t.http().delete(`/api/v1/exports/${id}`).set('Authorization', admin);
    expect(res.status).toBe(204);
    expect(filesOf(id)).toEqual([]);
    expect(await t.tables.count('exports', 'id = ?', [id])).toBe(0);
    expect((await t.http().get(`/api/v1/exports/${id}`).set('Authorization', admin)).status).toBe(404);
    expect((await t.http().get(`/api/v1/exports/${id}/download`).set('Authorization', admin)).status).toBe(404);
    const again = await t.http().delete(`/api/v1/exports/${id}`).set('Authorization', admin);
    expect(again.status).toBe(404);
    expect(again.body.message).toBe('export_not_found');
  });

  it('answers 400 naming the id for a non-UUID, and 404 for an unknown export', async () => {
    const bad = await t.http().delete('/api/v1/exports/not-a-uuid').set('Authorization', admin);
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([{ field: 'id', message: 'must be a UUID' }]);
    const unknown = await t.http().delete(`/api/v1/exports/${randomUUID()}`).set('Authorization', admin);
    expect(unknown.status).toBe(404);
  });

  it('is for admins only, and refuses an export still queued or running (409)', async () => {
    const id = await finishedExport();
    expect((await t.http().delete(`/api/v1/exports/${id}`).set('Authorization', labeler)).status).toBe(403);
    await t.tables.run("UPDATE exports SET status = 'running' WHERE id = ?", [id]);
    const running = await t.http().delete(`/api/v1/exports/${id}`).set('Authorization', admin);
    expect(running.status).toBe(409);
    expect(running.body.message).toBe('export_not_finished');
    expect(filesOf(id)).toHaveLength(2);
    await t.tables.run("UPDATE exports SET status = 'done' WHERE id = ?", [id]);
  });
});

describe('the retention job', () => {
  it('deletes what is past retention, in bounded chunks, and keeps everything else', async () => {
    const now = Date.now();
    const exportId = await finishedExport();
    // Label changes applied by the rollups, and one dead-lettered (never applied): only applied ones may go.
    const predictions = Array.from({ length: 3 }, (_, i) => aPrediction({ id: `ret-${i}` }));
    await t.http().post('/api/v1/predictions').set('Authorization', admin).send({ predictions }).expect(201);
    for (const p of predictions)
      await t
        .http()
        .post('/api/v1/labels')
        .set('Authorization', labeler)
        .send({ model: 'shop', predictionId: p.id, label: 'click' })
        .expect(201);
    await rollUp();
    expect(await t.tables.count('label_changes', "prediction_id LIKE 'ret-%' AND processed_at IS NOT NULL")).toBe(3);
    await t.tables.run(
      `INSERT INTO label_changes (model, prediction_id, new_label, new_source, created_at, attempts, dead_lettered_at)
       VALUES ('shop', 'ret-dead', 'click', 'manual', ?, 5, ?)`,
      [now - 400 * DAY, now - 400 * DAY],
    );
    // Notifications: delivered ones go, a pending one stays.
    for (const [status, deliveredAt] of [
      ['delivered', now - 10 * DAY],
      ['delivered', now - 10 * DAY],
      ['pending', null],
    ] as const) {
      await t.tables.run(
        `INSERT INTO alert_notifications (alert_id, event, payload, status, attempts, next_attempt_at, last_error, created_at, delivered_at)
         VALUES (?, 'firing', '{}', ?, 1, ?, NULL, ?, ?)`,
        [randomUUID(), status, now + 400 * DAY, now - 10 * DAY, deliveredAt],
      );
    }
    // A stray file no row names (a crash between a removal's row and its files) and a file that is not an export's.
    const dir = exportsDir(t.dataDir);
    mkdirSync(dir, { recursive: true });
    const stray = `${randomUUID()}.jsonl`;
    writeFileSync(join(dir, stray), '{}\n');
    writeFileSync(join(dir, 'README.txt'), 'not an export');

    const service = t.app.get(RetentionService);
    // Nothing is old enough yet, except the stray file.
    const early = await service.run(now);
    expect(early).toMatchObject({ exports: 0, outbox: 0, notifications: 0, exportFilesSwept: 1 });
    expect(existsSync(join(dir, stray))).toBe(false);
    expect(await t.tables.count('exports', 'id = ?', [exportId])).toBe(1);

    const later = await service.run(now + 400 * DAY);
    expect(later.exports).toBeGreaterThanOrEqual(1);
    expect(await t.tables.count('exports', "status IN ('done', 'failed')")).toBe(0);
    expect(filesOf(exportId)).toEqual([]);
    expect(existsSync(join(dir, 'README.txt'))).toBe(true);
    expect(await t.tables.count('label_changes', 'processed_at IS NOT NULL')).toBe(0);
    expect(await t.tables.count('label_changes', "prediction_id = 'ret-dead'")).toBe(1);
    expect(await t.tables.count('alert_notifications', "status = 'delivered'")).toBe(0);
    expect(await t.tables.count('alert_notifications', "status = 'pending'")).toBe(1);
    // Rollups stay exact: the applied rows are gone, the cells they built are not.
    const slices = await t.http().get('/api/v1/models/shop/slices').set('Authorization', labeler);
    expect(slices.body.overall.n).toBe(3);
  });

  it('runs as a job through the queue and deletes orphaned events a chunk per transaction', async () => {
    const total = 2 * RETENTION_CHUNK + 7;
    const now = Date.now();
    const values = Array.from({ length: total }, (_, i) => [`orph-${i}`, `missing-${i}`, now - 1000, now - 1000]);
    for (let i = 0; i < values.length; i += 200) {
      const batch = values.slice(i, i + 200);
      await t.tables.run(
        `INSERT INTO events (model, id, prediction_id, type, ts, value, attributes, state, content_hash, received_at, processed_at)
         VALUES ${batch.map(() => "('shop', ?, ?, 'click', 0, NULL, NULL, 'orphaned', 'h', ?, ?)").join(', ')}`,
        batch.flat(),
      );
    }
    await t.tables.run(
      `INSERT INTO events (model, id, prediction_id, type, ts, value, attributes, state, content_hash, received_at, processed_at)
       VALUES ('shop', 'still-pending', 'missing-x', 'click', 0, NULL, NULL, 'pending', 'h', ?, NULL)`,
      [now],
    );
    const deletes = vi.spyOn(t.app.get(EventsRepository), 'deleteOrphanedBefore');
    await t.app.get(RetentionProcessor).requestRun();
    await t.app.get(JobQueue).drain(QueueName.Maintenance);
    expect(await t.tables.count('events', "state = 'orphaned'")).toBe(0);
    expect(await t.tables.count('events', "id = 'still-pending'")).toBe(1);
    // Three chunks: two full ones and the rest.
    expect(deletes.mock.calls.length).toBe(3);
    expect(deletes.mock.calls.every(([, limit]) => limit === RETENTION_CHUNK)).toBe(true);
    deletes.mockRestore();
  });
});
