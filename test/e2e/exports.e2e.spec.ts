import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportRunner } from '../../src/exports/export-runner.js';
import { ExportsRepository } from '../../src/exports/exports.repository.js';
import { registerModel } from '../factories/models.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { eventually } from '../support/eventually.js';

let t: TestApp;
let admin: string;
let carol: string;
const ROWS = 30;
const HOUR = 3_600_000;
const BASE = Date.UTC(2026, 10, 20);
const FORMULA_TITLE = '=HYPERLINK("http://evil.example","click")';

interface DbRow {
  id: string;
  ts: number;
  model_version: string;
  features: string;
  prediction: string;
  scores: string;
  slices: string;
  effective_label: string;
  effective_source: string;
}

/** What every format must say for each labeled prediction, from the database itself. */
async function databaseRows(): Promise<DbRow[]> {
  const rows = await t.tables.all<DbRow>(
    `SELECT id, ts, model_version, features, prediction, scores, slices, effective_label, effective_source
     FROM predictions WHERE model = ? AND effective_label IS NOT NULL ORDER BY id`,
    ['shop'],
  );
  return rows.map((r) => ({ ...r, ts: Number(r.ts) }));
}

const binary = (res: Response, done: (error: Error | null, body: Buffer) => void) => {
  const parts: Buffer[] = [];
  res.on('data', (chunk: Buffer) => parts.push(chunk));
  res.on('end', () => done(null, Buffer.concat(parts)));
};

async function exportAndDownload(body: Record<string, unknown>) {
  const created = await t.http().post('/api/v1/models/shop/exports').set('Authorization', carol).send(body);
  expect(created.status).toBe(202);
  const id = (created.body as { id: string }).id;
  const done = await eventually(async () => {
    const res = await t.http().get(`/api/v1/exports/${id}`).set('Authorization', admin);
    expect(res.body.status).toBe('done');
    return res.body as { progress: number; manifest: Record<string, unknown> & { sha256: string; rowCount: number } };
  });
  const file = await t.http().get(`/api/v1/exports/${id}/download`).set('Authorization', admin).buffer(true).parse(binary);
  expect(file.status).toBe(200);
  expect(file.headers['content-disposition']).toBe(`attachment; filename=shop-${id}.${String(body.format)}`);
  const bytes = file.body as Buffer;
  expect(createHash('sha256').update(bytes).digest('hex')).toBe(done.manifest.sha256);
  return { id, manifest: done.manifest, progress: done.progress, bytes };
}

/** RFC 4180, enough for the files we write. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

const ACK = { acknowledgeWarnings: true, acknowledgeBlocking: true };

beforeAll(async () => {
  t = await startTestApp();
  admin = `Bearer ${t.adminToken}`;
  carol = `Bearer ${await t.tokenFor('admin', 'carol')}`;
  await registerModel(t.http, t.adminToken, 'shop', SHOP_MODEL);
  const ingest = `Bearer ${await t.tokenFor('ingest')}`;
  const labeler = `Bearer ${await t.tokenFor('labeler')}`;
  // A degenerate loop: every exposure chosen by the model, nothing explored.
  const predictions = Array.from({ length: ROWS + 5 }, (_, i) =>
    aPrediction({
      id: `exp-${String(i).padStart(3, '0')}`,
      timestamp: new Date(BASE + i * HOUR).toISOString(),
      modelVersion: i % 2 === 0 ? 'v1' : 'v2',
      features: {
        price: i + 0.5,
        country: i % 3 === 0 ? 'fr' : 'de',
        device: 'mobile',
        title: i === 7 ? FORMULA_TITLE : i === 3 ? '-4' : `item ${i}`,
      },
      exposure: { policy: 'model', propensity: 0.5 + (i % 4) / 10 },
    }),
  );
  const res = await t.http().post('/api/v1/predictions').set('Authorization', ingest).send({ predictions });
  expect(res.status).toBe(201);
  for (let i = 0; i < ROWS; i++) {
    const label = ['purchase', 'click', 'ignore'][i % 3];
    const labeled = await t
      .http()
      .post('/api/v1/labels')
      .set('Authorization', labeler)
      .send({ model: 'shop', predictionId: `exp-${String(i).padStart(3, '0')}`, label });
    expect(labeled.status).toBeLessThan(300);
  }
}, 60_000);
afterAll(() => t.close());

describe('export requests', () => {
  it('refuses an export while the report has unacknowledged findings, and exports nothing', async () => {
    const res = await t.http().post('/api/v1/models/shop/exports').set('Authorization', carol).send({ format: 'csv' });
    expect(res.status).toBe(409);
    expect(res.body.message).toBe('unacknowledged_findings');
    const report = res.body.details.report as { worst: string; checks: { name: string; severity: string }[] };
    expect(report.worst).not.toBe('ok');
    expect(res.body.details.unacknowledged.length).toBeGreaterThan(0);
    const list = await t.http().get('/api/v1/models/shop/exports').set('Authorization', admin);
    expect(list.body.exports).toEqual([]);
  });

  it('records who acknowledged which findings in the manifest', async () => {
    const { manifest } = await exportAndDownload({ format: 'jsonl', ...ACK });
    const ack = manifest.acknowledgement as { by: { name: string }; checks: { name: string; severity: string }[] };
    expect(ack.by.name).toBe('carol');
    const report = manifest.report as { checks: { name: string; severity: string }[] };
    expect(ack.checks.map((c) => c.name)).toEqual(
      report.checks.filter((c) => c.severity === 'warn' || c.severity === 'block').map((c) => c.name),
    );
    expect(ack.checks.length).toBeGreaterThan(0);
  });

  it('answers 404 for an unknown export and 409 for the download of one not yet done', async () => {
    expect((await t.http().get('/api/v1/exports/00000000-0000-4000-8000-000000000000').set('Authorization', admin)).status).toBe(
      404,
    );
    const repo = t.app.get(ExportsRepository);
    const id = '00000000-0000-4000-8000-000000000001';
    await repo.insert({
      id,
      model: 'shop',
      format: 'csv',
      status: 'queued',
      parameters: {
        format: 'csv',
        from: null,
        to: null,
        versions: [],
        labelSources: [],
        split: { validation: 0.1, by: 'random', seed: 0 },
        mitigation: 'none',
        maxIpsWeight: 20,
      },
      report: { model: 'shop', window: { from: null, to: null }, version: null, worst: 'ok', checks: [] },
      acknowledgement: null,
      requestedBy: 'test',
      progress: 0,
      error: null,
      createdAt: Date.now(),
      startedAt: null,
      runToken: null,
      finishedAt: null,
      manifest: null,
    });
    const res = await t.http().get(`/api/v1/exports/${id}/download`).set('Authorization', admin);
    expect(res.status).toBe(409);
    expect(res.body.message).toBe('export_not_ready');
  });
});

describe('exported files', () => {
  it('CSV reads back equal to the database rows, features and scores as columns, formula cells escaped', async () => {
    const { manifest, bytes, progress } = await exportAndDownload({ format: 'csv', ...ACK });
    const [header, ...rows] = parseCsv(bytes.toString());
    const expected = await databaseRows();
    expect(progress).toBe(1);
    expect(manifest.rowCount).toBe(ROWS);
    expect(rows).toHaveLength(ROWS);
    expect(header).toEqual([
      'id',
      'timestamp',
      'model_version',
      'feature.country',
      'feature.device',
      'feature.price',
      'feature.title',
      'label',
      'label_source',
      'prediction',
      'score.purchase',
      'score.click',
      'score.ignore',
      'slice.country',
      'slice.device',
      'weight',
      'split',
      'label_probability',
    ]);
    rows.forEach((row, i) => {
      const db = expected[i];
      const features = JSON.parse(db.features) as Record<string, string | number>;
      const scores = JSON.parse(db.scores) as Record<string, number>;
      const slices = JSON.parse(db.slices) as Record<string, string>;
      const title = String(features.title);
      expect(row).toEqual([
        db.id,
        new Date(db.ts).toISOString(),
        db.model_version,
        String(features.country),
        String(features.device),
        String(features.price),
        /^[=+\-@]/.test(title) ? `'${title}` : title,
        db.effective_label,
        db.effective_source,
        db.prediction,
        String(scores.purchase),
        String(scores.click),
        String(scores.ignore),
        slices.country ?? '',
        slices.device ?? '',
        '1',
        row[16],
        '',
      ]);
      expect(['train', 'validation']).toContain(row[16]);
    });
    expect(rows.find((r) => r[0] === 'exp-007')?.[6]).toBe(`'${FORMULA_TITLE}`);
    expect(rows.find((r) => r[0] === 'exp-003')?.[6]).toBe("'-4");
  });

  it('JSONL reads back equal to the database rows, nested and unescaped', async () => {
    const { bytes } = await exportAndDownload({
      format: 'jsonl',
      ...ACK,
      mitigation: 'ips_weights',
      split: { by: 'time', validation: 0.2 },
    });
    const records = bytes
      .toString()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const expected = await databaseRows();
    expect(records.map(({ weight: _w, split: _s, label_probability: _p, ...rest }) => rest)).toEqual(
      expected.map((db) => ({
        id: db.id,
        timestamp: new Date(db.ts).toISOString(),
        model_version: db.model_version,
        features: JSON.parse(db.features),
        label: db.effective_label,
        label_source: db.effective_source,
        prediction: db.prediction,
        scores: JSON.parse(db.scores),
        slices: JSON.parse(db.slices),
      })),
    );
    const weights = records.map((r) => r.weight as number);
    expect(weights.reduce((a, b) => a + b) / weights.length).toBeCloseTo(1, 9);
    // The latest 20% by time validate.
    expect(records.filter((r) => r.split === 'validation').map((r) => r.id)).toEqual(expected.slice(-6).map((r) => r.id));
  });

  it('Parquet reads back equal to the database rows with typed columns', async () => {
    const { manifest, bytes } = await exportAndDownload({ format: 'parquet', ...ACK, versions: ['v1'] });
    const table = tableFromIPC(readParquet(bytes).intoIPCStream());
    const expected = (await databaseRows()).filter((r) => r.model_version === 'v1');
    expect(manifest.rowCount).toBe(expected.length);
    const rows = table.toArray().map((r) => (r as { toJSON(): Record<string, unknown> }).toJSON());
    expect(
      rows.map((r) => [r.id, r.timestamp, r['feature.price'], r['feature.title'], r.label, r['score.click'], r['slice.country']]),
    ).toEqual(
      expected.map((db) => {
        const features = JSON.parse(db.features) as Record<string, unknown>;
        return [
          db.id,
          new Date(db.ts).toISOString(),
          features.price,
          features.title,
          db.effective_label,
          (JSON.parse(db.scores) as Record<string, number>).click,
          (JSON.parse(db.slices) as Record<string, string>).country ?? null,
        ];
      }),
    );
    const counts = manifest.counts as { byClass: Record<string, number>; byLabelSource: Record<string, number> };
    expect(Object.values(counts.byClass).reduce((a, b) => a + b)).toBe(expected.length);
    expect(counts.byLabelSource).toEqual({ manual: expected.length });
  });

  it('a job that fails for good is marked failed with its reason and leaves no file behind', async () => {
    await registerModel(t.http, t.adminToken, 'broken', SHOP_MODEL);
    // A row whose features are not JSON: the writer fails after the .partial file was started.
    await t.tables.run(
      `INSERT INTO predictions (model, id, model_version, ts, features, prediction, scores, slices, least_confidence, margin,
        entropy, feature_hash, content_hash, received_at, effective_label, effective_source, labeled_at)
       VALUES (?, ?, 'v1', ?, 'not json', 'click', '{}', '{}', 0.5, 0.2, 0.9, 'f', 'c', ?, 'click', 'manual', ?)`,
      ['broken', 'bad-row', Date.now(), Date.now(), Date.now()],
    );
    const created = await t
      .http()
      .post('/api/v1/models/broken/exports')
      .set('Authorization', carol)
      .send({ format: 'csv', ...ACK });
    expect(created.status).toBe(202);
    const id = (created.body as { id: string }).id;
    const failed = await eventually(async () => {
      const res = await t.http().get(`/api/v1/exports/${id}`).set('Authorization', admin);
      expect(res.body.status).toBe('failed');
      return res.body as { error: string; manifest: unknown };
    }, 30_000);
    expect(failed.error).toMatch(/JSON/);
    expect(failed.manifest).toBeNull();
    expect(readdirSync(join(t.dataDir, 'exports')).filter((f) => f.startsWith(id))).toEqual([]);
    expect((await t.http().get(`/api/v1/exports/${id}/download`).set('Authorization', admin)).status).toBe(409);
  });

  it('a stalled run and its re-run of one export leave one complete file, finished by the later claim', async () => {
    const { id, manifest: first } = await exportAndDownload({ format: 'jsonl', ...ACK });
    // As a worker that stalled mid-run leaves it, with BullMQ handing the job to a second worker.
    await t.tables.run("UPDATE exports SET status = 'running', manifest = NULL WHERE id = ?", [id]);
    const runner = t.app.get(ExportRunner);
    await Promise.all([runner.run(id), runner.run(id)]);
    const row = await t.tables.get<{ status: string; run_token: string | null }>(
      'SELECT status, run_token FROM exports WHERE id = ?',
      [id],
    );
    expect(row?.status).toBe('done');
    expect(row?.run_token).toMatch(/^[0-9a-f]{16}$/);
    const res = await t.http().get(`/api/v1/exports/${id}`).set('Authorization', admin);
    const manifest = (res.body as { manifest: { sha256: string; rowCount: number } }).manifest;
    const file = await t.http().get(`/api/v1/exports/${id}/download`).set('Authorization', admin).buffer(true).parse(binary);
    expect(
      createHash('sha256')
        .update(file.body as Buffer)
        .digest('hex'),
    ).toBe(manifest.sha256);
    expect(manifest.rowCount).toBe(first.rowCount);
    expect((file.body as Buffer).toString().trim().split('\n')).toHaveLength(first.rowCount);
    expect(readdirSync(join(t.dataDir, 'exports')).filter((name) => name.startsWith(id) && name.endsWith('.partial'))).toEqual(
      [],
    );
  });

  it('leaves only finished files and manifests in the exports folder', () => {
    const files = readdirSync(join(t.dataDir, 'exports'));
    expect(files.filter((f) => f.endsWith('.partial'))).toEqual([]);
    expect(files.filter((f) => !f.endsWith('.manifest.json')).length).toBeGreaterThan(0);
    for (const file of files.filter((f) => !f.endsWith('.manifest.json'))) {
      expect(existsSync(join(t.dataDir, 'exports', file.replace(/\.\w+$/, '.manifest.json')))).toBe(true);
    }
  });
});
