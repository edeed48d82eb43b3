import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.factory.js';
import { loadConfig } from '../../src/config/config.js';
import { registerModel } from '../factories/models.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { onPostgres, testEnvironment, type TestEnvironment } from '../support/app.js';
import { eventually } from '../support/eventually.js';
import { type Tables, tablesAt } from '../support/tables.js';

/**
 * A full disk: DATA_DIR (the SQLite file and the export files) on a 16 MB tmpfs, filled up by a
 * file the test removes again. Mounting needs root, as CI runs.
 */
let environment: TestEnvironment;
let app: NestExpressApplication;
let tables: Tables;
let mounted = false;
let ingest: string;
let labeler: string;
const http = () => request(app.getHttpServer());
const admin = () => `Bearer ${environment.adminToken}`;
const filler = () => join(environment.dataDir, 'filler');

beforeAll(async () => {
  environment = await testEnvironment('relabel-fault-disk-');
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', environment.dataDir]);
  mounted = true;
  app = await createApp(loadConfig(environment.env));
  await app.init();
  tables = tablesAt({ dataDir: environment.dataDir, databaseUrl: environment.databaseUrl });
  await registerModel(http, environment.adminToken, 'shop', SHOP_MODEL);
  const token = async (role: string) =>
    `Bearer ${((await http().post('/api/v1/tokens').set('Authorization', admin()).send({ name: role, role })).body as { token: string }).token}`;
  ingest = await token('ingest');
  labeler = await token('labeler');
});
afterAll(async () => {
  await tables?.close();
  await app?.close();
  if (mounted) execFileSync('umount', ['-l', environment.dataDir]);
  await environment?.cleanup();
});

/** Fills the disk but for `leaveKb`: one file of zeros, as large as fits. */
function fill(leaveKb: number): void {
  const free = Number(execFileSync('df', ['--output=avail', '-k', environment.dataDir]).toString().split('\n')[1]);
  writeFileSync(filler(), Buffer.alloc(Math.max(0, free - leaveKb) * 1024));
}

const batch = (n: number) =>
  Array.from({ length: 100 }, (_, i) => aPrediction({ id: `disk-${n}-${i}`, features: { title: 'x'.repeat(1000), price: 1 } }));

describe('a full disk', () => {
  it(
    onPostgres
      ? 'ends an export asked for on a full disk without a partial file, and the next one succeeds once space returns'
      : 'answers ingest with 507 and Retry-After, keeps what it acknowledged, ends the export, and recovers once space returns',
    async () => {
      const acknowledged: string[] = [];
      for (let n = 0; n < 5; n++) {
        const res = await http()
          .post('/api/v1/predictions')
          .set('Authorization', ingest)
          .send({ predictions: batch(n) });
        expect(res.status).toBe(201);
        acknowledged.push(...batch(n).map((p) => p.id as string));
      }
      for (const id of acknowledged.slice(0, 40)) {
        await http()
          .post('/api/v1/labels')
          .set('Authorization', labeler)
          .send({ model: 'shop', predictionId: id, label: 'click' });
      }
      fill(16);
      if (!onPostgres) {
        let refused: request.Response | undefined;
        for (let n = 100; n < 140 && !refused; n++) {
          const res = await http()
            .post('/api/v1/predictions')
            .set('Authorization', ingest)
            .send({ predictions: batch(n) });
          if (res.status === 201) acknowledged.push(...batch(n).map((p) => p.id as string));
          else refused = res;
        }
        expect(refused?.status, refused?.text).toBe(507);
        expect(refused!.body.message).toBe('insufficient_storage');
        expect(Number(refused!.headers['retry-after'])).toBeGreaterThan(0);
      }
      const exportReq = () =>
        http()
          .post('/api/v1/models/shop/exports')
          .set('Authorization', admin())
          .send({ format: 'csv', mitigation: 'none', acknowledgeWarnings: true, acknowledgeBlocking: true });
      const first = await exportReq();
      expect([202, 503, 507]).toContain(first.status);
      rmSync(filler());
      const next = await http()
        .post('/api/v1/predictions')
        .set('Authorization', ingest)
        .send({ predictions: batch(999) });
      expect(next.status).toBe(201);
      acknowledged.push(...batch(999).map((p) => p.id as string));
      const stored = new Set((await tables.all<{ id: string }>('SELECT id FROM predictions')).map((r) => r.id));
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
      // The export asked for while the disk was full ends (failed, or done on a retry), never stuck.
      if (first.status === 202) {
        await eventually(async () => {
          const res = await http()
            .get(`/api/v1/exports/${(first.body as { id: string }).id}`)
            .set('Authorization', admin());
          expect(['failed', 'done']).toContain(res.body.status);
        }, 60_000);
      }
      expect(readdirSync(join(environment.dataDir, 'exports')).filter((f) => f.endsWith('.partial'))).toEqual([]);
      const again = await exportReq();
      expect(again.status).toBe(202);
      await eventually(async () => {
        const res = await http()
          .get(`/api/v1/exports/${(again.body as { id: string }).id}`)
          .set('Authorization', admin());
        expect(res.body.status).toBe('done');
      }, 30_000);
    },
    120_000,
  );
});
