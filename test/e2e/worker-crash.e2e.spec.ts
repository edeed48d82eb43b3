import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as rebuildCli } from '../../src/cli/rebuild.js';
import { SHOP_MODEL } from '../factories/predictions.js';
import { onPostgres } from '../support/app.js';
import { ChildService, type ChildServiceSetup, freePort, setUpChildService } from '../support/child-service.js';
import { sleep } from '../support/eventually.js';

/**
 * The worker side of the service SIGKILLed mid-rollup and mid-export, then started again. On
 * PostgreSQL + Redis the API and the worker are separate processes (ROLE=api, ROLE=worker) and only
 * the worker dies, the API answering throughout; on SQLite one process (ROLE=all) is both.
 * Afterwards the rollups must equal a recomputation from the rows, and the export must finish with
 * every row, no client ever seeing a file under a ".partial" name.
 */

const SPLIT = onPostgres;
const CHANGES = 40_000;
const EXPORT_ROWS = 60_000;
const BATCH = 1000;
const HOUR = 3_600_000;
const COUNTRIES = ['de', 'fr', 'us'];
const COLUMNS =
  '(model, id, model_version, ts, features, prediction, scores, slices, least_confidence, margin, entropy, feature_hash, content_hash, received_at, effective_label, effective_source, labeled_at)';

let child: ChildServiceSetup;
let worker: ChildService | null = null;
const now = Date.now();

function predictionValues(i: number): unknown[] {
  const classes = SHOP_MODEL.classes;
  const country = COUNTRIES[i % 3];
  return [
    'shop',
    `wc-${String(i).padStart(6, '0')}`,
    i % 2 === 0 ? 'v1' : 'v2',
    now - HOUR - (i % 7200) * 1000,
    JSON.stringify({ price: i % 100, country, device: 'mobile', title: `item ${i}` }),
    classes[i % 3],
    JSON.stringify({ purchase: 0.2, click: 0.5, ignore: 0.3 }),
    JSON.stringify({ country, device: i % 4 === 0 ? 'desktop' : 'mobile' }),
    0.5,
    0.2,
    0.9,
    'f',
    'c',
    now,
    classes[(i * 7) % 3],
    'direct',
    now,
  ];
}

/**
 * Labeled predictions and one pending outbox row per label, straight into the database in one
 * transaction, as the label join would leave a backlog: the rollups then have CHANGES rows to apply.
 */
async function seed(from: number, count: number, withOutbox: boolean): Promise<void> {
  await child.tables.run('BEGIN');
  for (let start = from; start < from + count; start += BATCH) {
    const indexes = Array.from({ length: Math.min(BATCH, from + count - start) }, (_, k) => start + k);
    const rows = indexes.map(predictionValues);
    await child.tables.run(
      `INSERT INTO predictions ${COLUMNS} VALUES ${rows.map((v) => `(${v.map(() => '?').join(', ')})`).join(', ')}`,
      rows.flat(),
    );
    if (withOutbox)
      await child.tables.run(
        `INSERT INTO label_changes (model, prediction_id, new_label, new_source, created_at) VALUES ${indexes.map(() => "('shop', ?, ?, 'direct', ?)").join(', ')}`,
        indexes.flatMap((i) => [`wc-${String(i).padStart(6, '0')}`, SHOP_MODEL.classes[(i * 7) % 3], now]),
      );
  }
  await child.tables.run('COMMIT');
}

/** The API's base URL: the ROLE=api process, or the one ROLE=all process. */
const apiUrl = () => child.service!.url;

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${apiUrl()}${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${child.adminToken}`, 'Content-Type': 'application/json', ...(init.headers ?? {}) },
  });
}

/** Starts the worker side: a ROLE=worker process (split), or the service itself. */
async function startWorker(): Promise<ChildService> {
  if (!SPLIT) return child.start();
  worker = await ChildService.start({ ...child.env, ROLE: 'worker', PORT: String(await freePort()) });
  return worker;
}

async function killWorker(): Promise<void> {
  await (SPLIT ? worker! : child.service!).kill('SIGKILL');
}

const workerLog = () => (SPLIT ? (worker?.log ?? '') : (child.service?.log ?? ''));

async function processedChanges(): Promise<number> {
  return child.tables.count('label_changes', 'processed_at IS NOT NULL');
}

beforeAll(async () => {
  child = await setUpChildService(SPLIT ? { ROLE: 'api' } : {}, 'relabel-worker-crash-');
  await child.start();
  const registered = await api('/api/v1/models/shop', { method: 'PUT', body: JSON.stringify(SHOP_MODEL) });
  expect(registered.status).toBe(201);
  if (SPLIT) await startWorker();
}, 180_000);

afterAll(async () => {
  await worker?.kill();
  await child?.close();
});

describe(`the worker side (${SPLIT ? 'a ROLE=worker process' : 'the ROLE=all process'}) SIGKILLed`, () => {
  it(
    'mid-rollup: after the restart every outbox row is applied once and the cells equal the rows',
    { timeout: 240_000 },
    async () => {
      await seed(0, CHANGES, true);
      const deadline = Date.now() + 60_000;
      let applied = await processedChanges();
      while (applied === 0) {
        if (Date.now() > deadline) throw new Error(`no rollup within 60 s; the worker's output:\n${workerLog()}`);
        await sleep(2);
        applied = await processedChanges();
      }
      await killWorker();
      applied = await processedChanges();
      if (applied === CHANGES) throw new Error('the rollup finished before the kill: make the workload bigger');
      if (SPLIT) expect((await fetch(`${apiUrl()}/health`)).status).toBe(200);

      await startWorker();
      const finishBy = Date.now() + 120_000;
      while ((await processedChanges()) < CHANGES) {
        if (Date.now() > finishBy) throw new Error(`rollup not finished; the worker's output:\n${workerLog()}`);
        await sleep(50);
      }
      let out = '';
      const env = { ...child.env };
      delete env.ROLE;
      const code = await rebuildCli(['--model', 'shop', '--check'], env, { out: (t) => (out += t), err: (t) => (out += t) });
      // The slice cells (the rollups) must equal the rows; the quality cells are not checked, as the seed
      // bypassed ingest, which writes them.
      expect(out).toMatch(/^shop: \d+ cells, 0 differ from the rows\n/);
      expect(code === 0 || /quality cells, [1-9]/.test(out)).toBe(true);
      const report = await api('/api/v1/models/shop/slices');
      expect(report.status).toBe(200);
      expect(((await report.json()) as { overall: { n: number } }).overall.n).toBe(CHANGES);
    },
  );

  it(
    'mid-export: the re-run produces the complete file, and no ".partial" ever reaches a client',
    { timeout: 300_000 },
    async () => {
      await seed(CHANGES, EXPORT_ROWS - CHANGES, false);
      const created = await api('/api/v1/models/shop/exports', {
        method: 'POST',
        body: JSON.stringify({ format: 'csv', mitigation: 'none', acknowledgeWarnings: true, acknowledgeBlocking: true }),
      });
      expect(created.status).toBe(202);
      const { id } = (await created.json()) as { id: string };
      const state = async () =>
        (await (await api(`/api/v1/exports/${id}`)).json()) as Record<string, unknown> & {
          status: string;
          progress: number;
          manifest: { sha256: string; rowCount: number; file: string } | null;
        };

      let seen = await state();
      const deadline = Date.now() + 60_000;
      while (!(seen.status === 'running' && seen.progress > 0)) {
        if (seen.status === 'done') throw new Error('the export finished before the kill: make the workload bigger');
        if (Date.now() > deadline) throw new Error(`no progress within 60 s; the worker's output:\n${workerLog()}`);
        await sleep(5);
        seen = await state();
      }
      await killWorker();

      const dir = join(child.dataDir, 'exports');
      // The killed run's own partial file (each run names its own: <id>.csv.<run>.partial).
      expect(readdirSync(dir).filter((f) => f.startsWith(`${id}.csv.`) && f.endsWith('.partial'))).toHaveLength(1);
      expect(existsSync(join(dir, `${id}.csv`))).toBe(false);
      if (SPLIT) {
        // The API keeps answering: the export is not done, its download is refused, nothing names the partial file.
        const during = await state();
        expect(during.status).not.toBe('done');
        expect(JSON.stringify(during)).not.toContain('.partial');
        expect((await api(`/api/v1/exports/${id}/download`)).status).toBe(409);
      }

      await startWorker();
      const finishBy = Date.now() + 200_000;
      let after = await state();
      while (after.status !== 'done') {
        if (after.status === 'failed' || Date.now() > finishBy)
          throw new Error(`export ${after.status}; the worker's output:\n${workerLog()}`);
        await sleep(100);
        after = await state();
      }
      expect(JSON.stringify(after)).not.toContain('.partial');
      expect(after.manifest!.file).toBe(`${id}.csv`);
      const download = await api(`/api/v1/exports/${id}/download`);
      expect(download.status).toBe(200);
      expect(download.headers.get('content-disposition')).not.toContain('.partial');
      const bytes = Buffer.from(await download.arrayBuffer());
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(after.manifest!.sha256);
      expect(after.manifest!.rowCount).toBe(EXPORT_ROWS);
      const lines = bytes.toString('utf8').trimEnd().split('\r\n');
      expect(lines.length).toBe(EXPORT_ROWS + 1);
      const ids = new Set(lines.slice(1).map((line) => line.split(',')[0]));
      expect(ids.size).toBe(EXPORT_ROWS);
      expect(readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
    },
  );
});
