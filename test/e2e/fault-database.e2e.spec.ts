import { spawn } from 'node:child_process';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.factory.js';
import { loadConfig } from '../../src/config/config.js';
import { sqliteFile } from '../../src/database/data-source.js';
import { registerModel } from '../factories/models.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { onPostgres, testEnvironment, type TestEnvironment } from '../support/app.js';
import { sleep } from '../support/eventually.js';
import { type Tables, tablesAt } from '../support/tables.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

/**
 * The database going away under load: PostgreSQL restarting (a proxy in front of it cuts every
 * connection and refuses new ones), or on SQLite another process holding the writer past the busy
 * timeout. Clients get 503 with Retry-After, never a 500, and every acknowledged batch is stored.
 */
let environment: TestEnvironment;
let app: NestExpressApplication;
let proxy: TcpProxy | undefined;
let tables: Tables;
const http = () => request(app.getHttpServer());
let ingest: string;

beforeAll(async () => {
  environment = await testEnvironment('relabel-fault-db-');
  const env = { ...environment.env };
  if (environment.databaseUrl) {
    const url = new URL(environment.databaseUrl);
    proxy = await startTcpProxy(url.hostname, Number(url.port));
    url.host = `127.0.0.1:${proxy.port}`;
    env.DATABASE_URL = url.toString();
  }
  app = await createApp(loadConfig(env));
  await app.init();
  tables = tablesAt({ dataDir: environment.dataDir, databaseUrl: environment.databaseUrl });
  await registerModel(http, environment.adminToken, 'shop', SHOP_MODEL);
  const res = await http()
    .post('/api/v1/tokens')
    .set('Authorization', `Bearer ${environment.adminToken}`)
    .send({ name: 'fault-ingest', role: 'ingest' });
  ingest = `Bearer ${(res.body as { token: string }).token}`;
});
afterAll(async () => {
  await tables?.close();
  await app?.close();
  await proxy?.close();
  await environment?.cleanup();
});

const HOLD_WRITER = `
const db = new (require('better-sqlite3'))(process.argv[1]);
db.exec('BEGIN IMMEDIATE');
process.stdout.write('holding\\n');
setTimeout(() => { db.exec('ROLLBACK'); db.close(); }, 15000);
`;

interface Outcome {
  status: number;
  retryAfter?: string;
  ids: string[];
}

async function postBatch(prefix: string, n: number): Promise<Outcome> {
  const predictions = Array.from({ length: 20 }, (_, i) => aPrediction({ id: `${prefix}-${n}-${i}` }));
  const res = await http()
    .post('/api/v1/predictions')
    .set('Authorization', ingest)
    .send({ predictions })
    .timeout({ response: 30_000 });
  return {
    status: res.status,
    retryAfter: res.headers['retry-after'] as string | undefined,
    ids: predictions.map((p) => p.id as string),
  };
}

describe('the database going away', () => {
  it(
    onPostgres
      ? 'PostgreSQL restarted under load: 503 with Retry-After while it is down, nothing acknowledged lost, 201 again after'
      : 'SQLite writer held by another process: the batch waits or gets 503 with Retry-After, never a 500, and 201 once it is free',
    async () => {
      const outcomes: Outcome[] = [];
      if (proxy) {
        let phase: 'before' | 'down' | 'after' = 'before';
        let afterOk = 0;
        const loops = Array.from({ length: 4 }, async (_, client) => {
          for (let n = 0; afterOk < 8 && n < 2000; n++) {
            const outcome = await postBatch(`c${client}`, n);
            outcomes.push(outcome);
            if (phase === 'after' && outcome.status === 201) afterOk++;
            if (outcome.status !== 201) await sleep(100);
          }
        });
        await sleep(800);
        phase = 'down';
        proxy.down();
        await sleep(3000);
        proxy.up();
        phase = 'after';
        await Promise.all(loops);
        expect(afterOk).toBeGreaterThanOrEqual(8);
      } else {
        // Another process (a CLI, say) holds the writer for longer than the 10 s busy timeout.
        const holder = spawn(process.execPath, ['-e', HOLD_WRITER, sqliteFile(environment.dataDir)], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        await new Promise((resolve) => holder.stdout.once('data', resolve));
        outcomes.push(await postBatch('busy', 0));
        await new Promise((resolve) => holder.once('exit', resolve));
        outcomes.push(await postBatch('busy', 1));
        expect([201, 503]).toContain(outcomes[0].status);
        expect(outcomes[1].status).toBe(201);
      }
      const statuses = [...new Set(outcomes.map((o) => o.status))].sort();
      expect(statuses).toEqual(proxy ? [201, 503] : statuses.filter((s) => s === 201 || s === 503));
      for (const o of outcomes.filter((x) => x.status === 503)) expect(Number(o.retryAfter)).toBeGreaterThan(0);
      const acknowledged = outcomes.filter((o) => o.status === 201).flatMap((o) => o.ids);
      const stored = new Set((await tables.all<{ id: string }>('SELECT id FROM predictions')).map((r) => r.id));
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    },
    120_000,
  );
});
