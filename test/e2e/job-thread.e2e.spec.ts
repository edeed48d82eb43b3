import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as rebuildCli } from '../../src/cli/rebuild.js';
import { anEvent, SHOP_RULES } from '../factories/events.js';
import { registerModel } from '../factories/models.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { onPostgres } from '../support/app.js';
import { type ChildServiceSetup, setUpChildService } from '../support/child-service.js';
import { waitFor } from '../support/eventually.js';

/**
 * The built service with JOB_RUNNER=thread: on SQLite the jobs run in a worker thread with a
 * connection of its own while requests write through the API thread's. Predictions and events
 * arrive concurrently while the join, window closing and rollups run; every request must succeed
 * (no SQLITE_BUSY reaches a client), every prediction must end with its label, the slice cells must
 * equal the rows, /metrics must report both threads, and SIGTERM must stop both cleanly. With
 * PostgreSQL + Redis the setting is ignored (BullMQ runs the jobs) and the same must hold.
 */

const PREDICTIONS = 4_000;
const BATCH = 250;
const MIN = 60_000;

let child: ChildServiceSetup;
let ingest: string;

beforeAll(async () => {
  child = await setUpChildService({ JOB_RUNNER: 'thread' }, 'relabel-job-thread-');
  await child.start();
  const http = () => request(child.service!.url);
  await registerModel(http, child.adminToken, 'shop', { ...SHOP_MODEL, ...SHOP_RULES, eventGrace: '1s' });
  const res = await http().post('/api/v1/tokens').set('Authorization', `Bearer ${child.adminToken}`).send({ name: 'thread-ingest', role: 'ingest' });
  expect(res.status).toBe(201);
  ingest = `Bearer ${(res.body as { token: string }).token}`;
}, 120_000);

afterAll(() => child?.close());

const idOf = (i: number) => `jt-${String(i).padStart(5, '0')}`;

async function labelCounts(): Promise<Record<string, number>> {
  const rows = await child.tables.all<{ label: string | null; source: string | null; n: number | string }>(
    `SELECT effective_label AS label, effective_source AS source, COUNT(*) AS n FROM predictions WHERE model = 'shop' GROUP BY effective_label, effective_source`,
  );
  return Object.fromEntries(rows.map((r) => [`${r.label}/${r.source}`, Number(r.n)]));
}

describe('jobs in a worker thread (JOB_RUNNER=thread)', () => {
  it('reports which job runner it has', async () => {
    const res = await request(child.service!.url).get('/health');
    expect(res.status).toBe(200);
    expect((res.body as { queue: { driver: string } }).queue.driver).toBe(onPostgres ? 'bullmq' : 'thread');
  });

  it('takes concurrent predictions and events while the jobs write, and labels every prediction once', { timeout: 120_000 }, async () => {
    const url = child.service!.url;
    const predictedAt = new Date(Date.now() - 40 * MIN).toISOString();
    const clickedAt = new Date(Date.now() - 39 * MIN).toISOString();
    const statuses: number[] = [];
    const send = async (path: string, key: string, rows: Record<string, unknown>[]) => {
      const res = await request(url).post(path).set('Authorization', ingest).send({ [key]: rows });
      statuses.push(res.status);
      if (res.status >= 300) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    };
    // Three streams at once: predictions, clicks on the even ones (some before their prediction, so
    // they wait as pending), and reads of the slices the rollups are writing.
    const batches = Array.from({ length: PREDICTIONS / BATCH }, (_, b) => Array.from({ length: BATCH }, (_, k) => b * BATCH + k));
    const predictions = (async () => {
      for (const batch of batches) await send('/api/v1/predictions', 'predictions', batch.map((i) => aPrediction({ id: idOf(i), timestamp: predictedAt })));
    })();
    const events = (async () => {
      for (const batch of batches)
        await send(
          '/api/v1/events',
          'events',
          batch.filter((i) => i % 2 === 0).map((i) => anEvent(idOf(i), { id: `jt-ev-${i}`, type: 'click', timestamp: clickedAt })),
        );
    })();
    const reads = (async () => {
      for (let k = 0; k < 20; k++) {
        const res = await request(url).get('/api/v1/models/shop/slices').set('Authorization', `Bearer ${child.adminToken}`);
        statuses.push(res.status);
      }
    })();
    await Promise.all([predictions, events, reads]);
    expect(statuses.filter((s) => s >= 300)).toEqual([]);

    await waitFor(
      'every prediction to have its label (direct click or implicit ignore)',
      async () => {
        const counts = await labelCounts();
        return counts['click/direct'] === PREDICTIONS / 2 && counts['ignore/implicit'] === PREDICTIONS / 2;
      },
      { timeoutMs: 60_000 },
    );
    expect(await labelCounts()).toEqual({ 'click/direct': PREDICTIONS / 2, 'ignore/implicit': PREDICTIONS / 2 });

    await waitFor(
      'the rollups to count every label',
      async () => {
        const res = await request(url).get('/api/v1/models/shop/slices').set('Authorization', `Bearer ${child.adminToken}`);
        return (res.body as { overall?: { n: number } }).overall?.n === PREDICTIONS;
      },
      { timeoutMs: 60_000 },
    );
    let out = '';
    const code = await rebuildCli(['--model', 'shop', '--check'], child.env, { out: (t) => (out += t), err: (t) => (out += t) });
    expect(out).toMatch(/^shop: \d+ cells, 0 differ from the rows\n/);
    expect(code).toBe(0);
  });

  it('reports the metrics of both threads in one scrape, each series once', async () => {
    const res = await request(child.service!.url).get('/metrics').set('Authorization', `Bearer ${child.adminToken}`);
    expect(res.status).toBe(200);
    const text = res.text;
    // The job thread's figures (its jobs ran there) and the API thread's (it served the requests).
    expect(text).toMatch(/^relabel_job_duration_seconds_count\{queue="labels",name="tick",outcome="completed"\} [1-9]\d*$/m);
    expect(text).toMatch(/^relabel_http_requests_total\{method="POST",route="\/api\/v1\/predictions",status="201"\} 16$/m);
    expect(text).toMatch(/^relabel_queue_jobs\{queue="labels",state="waiting"\} \d+$/m);
    const types = text.split('\n').filter((line) => line.startsWith('# TYPE '));
    expect(new Set(types).size).toBe(types.length);
    const series = text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).map((line) => line.replace(/ [^ ]+$/, ''));
    expect(new Set(series).size).toBe(series.length);
  });

  it('stops both threads on SIGTERM, and starts again on the same file', { timeout: 60_000 }, async () => {
    // Stopped by itself within the grace period (Nest re-raises the signal once its hooks have run), not SIGKILLed.
    const exit = await child.service!.stop();
    expect([{ code: 0, signal: null }, { code: null, signal: 'SIGTERM' }]).toContainEqual(exit);
    const again = await child.start();
    const res = await request(again.url).get('/api/v1/models/shop/slices').set('Authorization', `Bearer ${child.adminToken}`);
    expect(res.status).toBe(200);
    expect((res.body as { overall: { n: number } }).overall.n).toBe(PREDICTIONS);
  });
});
