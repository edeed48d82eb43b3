import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Redis } from 'ioredis';
import pg from 'pg';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { createApp } from '../../src/app.factory.js';
import { loadConfig } from '../../src/config/config.js';
import type { TokenRole } from '../../src/auth/token.entity.js';
import { type Tables, tablesAt } from './tables.js';

/**
 * The end-to-end tests' app: the real service on a fresh SQLite file, or, when TEST_DATABASE_URL
 * and TEST_REDIS_URL are set (CI's second run), on a fresh PostgreSQL database and BullMQ queues
 * under a key prefix of its own.
 */
export interface TestApp {
  app: NestExpressApplication;
  http: () => TestAgent;
  adminToken: string;
  dataDir: string;
  env: Record<string, string>;
  /** The app's database, read (and written) directly: for tests that look into tables. */
  tables: Tables;
  tokenFor(role: TokenRole, name?: string): Promise<string>;
  close(): Promise<void>;
}

export const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> } | null> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) return null;
  const name = `relabel_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** Removes every Redis key under a test's queue prefix. */
export async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 500 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.del(...keys);
    }
  } finally {
    await redis.quit();
  }
}

/**
 * What one service under test runs on: a data directory, a fresh PostgreSQL database and a Redis
 * key prefix of its own when CI provides them, an admin token, and the environment naming them.
 * cleanup() removes all of it.
 */
export interface TestEnvironment {
  env: Record<string, string>;
  dataDir: string;
  adminToken: string;
  databaseUrl?: string;
  cleanup(): Promise<void>;
}

export async function testEnvironment(dirPrefix: string, extraEnv: Record<string, string> = {}): Promise<TestEnvironment> {
  const dataDir = mkdtempSync(join(tmpdir(), dirPrefix));
  const database = await createTestDatabase();
  const adminToken = `rl_test_admin_${randomBytes(16).toString('hex')}`;
  const redisUrl = process.env.TEST_REDIS_URL;
  const queuePrefix = redisUrl ? `t${randomBytes(5).toString('hex')}` : undefined;
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    ADMIN_TOKEN: adminToken,
    LOG_LEVEL: 'silent',
    ...(database ? { DATABASE_URL: database.url } : {}),
    ...(redisUrl && queuePrefix ? { REDIS_URL: redisUrl, QUEUE_PREFIX: queuePrefix } : {}),
    ...extraEnv,
  };
  return {
    env,
    dataDir,
    adminToken,
    databaseUrl: database?.url,
    async cleanup() {
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
      if (redisUrl && queuePrefix) await deleteRedisKeys(redisUrl, queuePrefix);
    },
  };
}

export async function startTestApp(extraEnv: Record<string, string> = {}): Promise<TestApp> {
  const { env, dataDir, adminToken, databaseUrl, cleanup } = await testEnvironment('relabel-e2e-', extraEnv);
  const app = await createApp(loadConfig(env));
  await app.init();
  const server = app.getHttpServer();
  const http = () => request(server);
  const tables = tablesAt({ dataDir, databaseUrl });
  return {
    app,
    http,
    adminToken,
    dataDir,
    env,
    tables,
    async tokenFor(role, name = `${role}-${randomBytes(3).toString('hex')}`) {
      const res = await http().post('/api/v1/tokens').set('Authorization', `Bearer ${adminToken}`).send({ name, role });
      if (res.status !== 201) throw new Error(`token creation failed: ${res.status} ${JSON.stringify(res.body)}`);
      return (res.body as { token: string }).token;
    },
    async close() {
      await tables.close();
      await app.close();
      await cleanup();
    },
  };
}
