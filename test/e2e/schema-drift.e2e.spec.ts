import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/database/data-source.js';
import { createTestDatabase, onPostgres } from '../support/app.js';
import { pendingSchemaChanges } from '../support/schema-drift.js';

const dir = mkdtempSync(join(tmpdir(), 'relabel-drift-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('migrations', () => {
  it(`produce exactly the schema the entities describe on ${onPostgres ? 'PostgreSQL' : 'SQLite'}`, async () => {
    const database = await createTestDatabase();
    const dataSource = await openDatabase({ DATA_DIR: dir, DATABASE_URL: database?.url });
    try {
      expect(await pendingSchemaChanges(dataSource)).toEqual([]);
    } finally {
      await dataSource.destroy();
      await database?.drop();
    }
  });

  it('can be reverted to an empty schema and applied again', async () => {
    const database = await createTestDatabase();
    const dataSource = await openDatabase({ DATA_DIR: join(dir, 'revert'), DATABASE_URL: database?.url });
    try {
      for (let i = 0; i < dataSource.migrations.length; i++) await dataSource.undoLastMigration();
      const tables = await dataSource.createQueryRunner().getTables(['predictions', 'models', 'api_tokens']);
      expect(tables).toEqual([]);
      await dataSource.runMigrations();
      expect(await pendingSchemaChanges(dataSource)).toEqual([]);
    } finally {
      await dataSource.destroy();
      await database?.drop();
    }
  });
});
