import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import pg from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities.js';
import { LockKey } from './locks.js';
import { MIGRATIONS } from '../../migrations/index.js';

// int8 (COUNT, bigint epoch-ms columns) as JS numbers: every value we store fits in 2^53.
pg.types.setTypeParser(20, (value: string) => Number(value));

export interface DatabaseSettings {
  DATABASE_URL?: string;
  DATA_DIR: string;
}

export function sqliteFile(dataDir: string): string {
  return join(resolve(dataDir), 'relabel.sqlite');
}

export function dataSourceOptions(settings: DatabaseSettings): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    logging: false,
  } as const;
  if (settings.DATABASE_URL) {
    // Without a connect timeout a request waits forever for a server that accepts and never answers.
    return { ...common, type: 'postgres', url: settings.DATABASE_URL, extra: { max: 10, connectionTimeoutMillis: 5_000 } };
  }
  mkdirSync(resolve(settings.DATA_DIR), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: sqliteFile(settings.DATA_DIR),
    enableWAL: true,
    timeout: 10_000,
    prepareDatabase: (db: Database.Database) => {
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
    },
  };
}

/** Opens the database and applies pending migrations; on PostgreSQL one process migrates at a time. */
export async function openDatabase(settings: DatabaseSettings): Promise<DataSource> {
  const dataSource = new DataSource(dataSourceOptions(settings));
  await dataSource.initialize();
  try {
    if (dataSource.options.type === 'postgres') {
      const runner = dataSource.createQueryRunner();
      await runner.connect();
      try {
        await runner.query('SELECT pg_advisory_lock($1)', [LockKey.Migration]);
        await dataSource.runMigrations({ transaction: 'each' });
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [LockKey.Migration]);
        await runner.release();
      }
    } else {
      await dataSource.runMigrations({ transaction: 'each' });
    }
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}
