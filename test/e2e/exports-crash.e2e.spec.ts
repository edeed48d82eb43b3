import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SHOP_MODEL } from '../factories/predictions.js';
import { type ChildServiceSetup, setUpChildService } from '../support/child-service.js';
import { sleep } from '../support/eventually.js';

/**
 * The built service as a child process, SIGKILLed in the middle of a Parquet export; afterwards
 * no complete-looking file may exist, and once the service is started again the export finishes
 * with every row and a file whose sha256 is the manifest's.
 */

const ROWS = 150_000;
const BATCH = 1000;
const COLUMNS =
  '(model, id, model_version, ts, features, prediction, scores, slices, least_confidence, margin, entropy, feature_hash, content_hash, received_at, effective_label, effective_source, labeled_at, exposure_policy, propensity)';

let child: ChildServiceSetup;

function seedValues(i: number): unknown[] {
  const classes = SHOP_MODEL.classes;
  return [
    'shop',
    `crash-${String(i).padStart(6, '0')}`,
    'v1',
    Date.UTC(2026, 10, 1) + i * 1000,
    JSON.stringify({ price: i % 100, country: ['de', 'fr', 'us'][i % 3], device: 'mobile', title: `item ${i}` }),
    classes[i % 3],
    JSON.stringify({ purchase: 0.2, click: 0.5, ignore: 0.3 }),
    JSON.stringify({ country: ['de', 'fr', 'us'][i % 3], device: 'mobile' }),
    0.5,
    0.2,
    0.9,
    'f',
    'c',
    Date.now(),
    classes[(i * 7) % 3],
    i % 10 === 0 ? 'manual' : 'direct',
    Date.now(),
    i % 20 === 0 ? 'explore' : 'model',
    i % 20 === 0 ? 0.05 : 0.5 + (i % 5) / 10,
  ];
}

/** Labeled predictions straight into the database: far quicker than the API for this many. */
async function seed(): Promise<void> {
  await child.tables.run('BEGIN');
  for (let start = 0; start < ROWS; start += BATCH) {
    const rows = Array.from({ length: Math.min(BATCH, ROWS - start) }, (_, k) => seedValues(start + k));
    const tuples = rows.map((values) => `(${values.map(() => '?').join(', ')})`);
    await child.tables.run(`INSERT INTO predictions ${COLUMNS} VALUES ${tuples.join(', ')}`, rows.flat());
  }
  await child.tables.run('COMMIT');
}

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${child.service!.url}${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${child.adminToken}`, 'Content-Type': 'application/json', ...(init.headers ?? {}) },
  });
}

interface ExportState {
  status: string;
  progress: number;
  manifest: { sha256: string; rowCount: number; file: string } | null;
}

async function state(id: string): Promise<ExportState> {
  return (await (await api(`/api/v1/exports/${id}`)).json()) as ExportState;
}

beforeAll(async () => {
  child = await setUpChildService({}, 'relabel-export-crash-');
  await child.start();
  await seed();
  // After the seed: a connection kept alive through a long seed may be closed under the next request.
  const registered = await api('/api/v1/models/shop', { method: 'PUT', body: JSON.stringify(SHOP_MODEL) });
  expect(registered.status).toBe(201);
}, 180_000);

afterAll(() => child?.close());

it('an export killed halfway leaves no complete-looking file and finishes with every row after a restart', async () => {
  const created = await api('/api/v1/models/shop/exports', {
    method: 'POST',
    body: JSON.stringify({ format: 'parquet', mitigation: 'ips_weights', acknowledgeWarnings: true, acknowledgeBlocking: true }),
  });
  expect(created.status).toBe(202);
  const { id } = (await created.json()) as { id: string };

  let seen = await state(id);
  const deadline = Date.now() + 60_000;
  while (!(seen.status === 'running' && seen.progress > 0)) {
    if (seen.status === 'done') throw new Error('the export finished before the kill: make the workload bigger');
    if (Date.now() > deadline) throw new Error(`no progress within 60 s; the service's output:\n${child.service!.log}`);
    await sleep(5);
    seen = await state(id);
  }
  await child.service!.kill('SIGKILL');
  expect(seen.progress).toBeLessThan(1);

  const exportsDir = join(child.dataDir, 'exports');
  // The killed run's own partial file (each run names its own: <id>.parquet.<run>.partial).
  expect(readdirSync(exportsDir).filter((f) => f.startsWith(`${id}.parquet.`) && f.endsWith('.partial'))).toHaveLength(1);
  expect(existsSync(join(exportsDir, `${id}.parquet`))).toBe(false);
  expect(existsSync(join(exportsDir, `${id}.manifest.json`))).toBe(false);

  const service = await child.start();
  const finishBy = Date.now() + 120_000;
  let after = await state(id);
  while (after.status !== 'done') {
    if (after.status === 'failed' || Date.now() > finishBy)
      throw new Error(`export ${after.status}; the service's output:\n${service.log}`);
    await sleep(100);
    after = await state(id);
  }

  const download = await api(`/api/v1/exports/${id}/download`);
  expect(download.status).toBe(200);
  const bytes = Buffer.from(await download.arrayBuffer());
  expect(createHash('sha256').update(bytes).digest('hex')).toBe(after.manifest!.sha256);
  expect(after.manifest!.rowCount).toBe(ROWS);
  const ids = tableFromIPC(readParquet(bytes).intoIPCStream()).getChild('id')!.toArray() as string[];
  expect(ids.length).toBe(ROWS);
  expect(ids[0]).toBe('crash-000000');
  expect(ids[ROWS - 1]).toBe(`crash-${String(ROWS - 1).padStart(6, '0')}`);
  expect(new Set(ids).size).toBe(ROWS);
  expect(readdirSync(exportsDir).filter((f) => f.endsWith('.partial'))).toEqual([]);
}, 300_000);
