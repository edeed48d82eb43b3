import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/database/data-source.js';
import { pendingSchemaChanges } from '../support/schema-drift.js';

const dir = mkdtempSync(join(tmpdir(), 'relabel-drift-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('migrations', () => {
  it('produce exactly the schema the entities describe on SQLite', async () => {
    const dataSource = await openDatabase({ DATA_DIR: dir });
    try {
      expect(await pendingSchemaChanges(dataSource)).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });
});
