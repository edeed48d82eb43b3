import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ErrorDetail } from '../../src/common/api-error.js';
import { SeededRandom } from '../../src/common/random.js';
import { openDatabase } from '../../src/database/data-source.js';
import { compileModels, validatePrediction } from '../../src/predictions/prediction-rows.js';
import { PREDICTION_COLUMNS, predictionValues } from '../../src/predictions/predictions.repository.js';
import { createTestDatabase } from '../support/app.js';
import { tablesAt } from '../support/tables.js';

const dir = mkdtempSync(join(tmpdir(), 'relabel-buckets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CLASSES = ['a', 'b', 'c', 'd'];

describe('uncertainty bucket migration', () => {
  it('backfills the bucket columns with exactly the values the ingest writes', async () => {
    const database = await createTestDatabase();
    const at = { dataDir: dir, databaseUrl: database?.url };
    const dataSource = await openDatabase({ DATA_DIR: dir, DATABASE_URL: database?.url });
    const tables = tablesAt(at);
    try {
      const models = compileModels([{ name: 'm', classes: CLASSES, sliceKeys: [], featureSchema: null }] as never);
      const random = new SeededRandom(3);
      const now = Date.now();
      for (let i = 0; i < 300; i++) {
        // Some rows give only some classes, so the scores span more than one class count.
        const classes = CLASSES.slice(0, 2 + (i % 3));
        const raw = classes.map(() => random.next() ** 2 + 1e-3);
        const sum = raw.reduce((x, y) => x + y, 0);
        const scores = Object.fromEntries(classes.map((c, k) => [c, raw[k] / sum]));
        const last = classes.length - 1;
        scores[classes[last]] = 1 - classes.slice(0, last).reduce((x, c) => x + scores[c], 0);
        const prediction = classes.reduce((best, c) => (scores[c] > scores[best] ? c : best));
        const errors: ErrorDetail[] = [];
        const p = { id: `p${i}`, model: 'm', modelVersion: 'v1', features: { x: i }, prediction, scores };
        const row = validatePrediction(p, i, { models, now, traceId: null }, errors);
        expect(errors).toEqual([]);
        await tables.run(
          `INSERT INTO predictions (${PREDICTION_COLUMNS.join(', ')}) VALUES (${PREDICTION_COLUMNS.map(() => '?').join(', ')})`,
          predictionValues(row!, now),
        );
      }
      const read = () =>
        tables.all<Record<string, unknown>>(
          'SELECT id, least_confidence_bucket AS l, margin_bucket AS m, entropy_bucket AS e FROM predictions ORDER BY id',
        );
      const written = (await read()).map((r) => [r.id, Number(r.l), Number(r.m), Number(r.e)]);
      expect(new Set(written.map((r) => r[1])).size).toBeGreaterThan(3);

      // Back to before the bucket migration (and whatever came after it), then forward again.
      const at = dataSource.migrations.findIndex((m) => m.name === 'UncertaintyBuckets1764270000000');
      expect(at).toBeGreaterThan(0);
      for (let i = dataSource.migrations.length; i > at; i--) await dataSource.undoLastMigration({ transaction: 'each' });
      const columns = await tables.all<{ name?: string; column_name?: string }>(
        database
          ? "SELECT column_name FROM information_schema.columns WHERE table_name = 'predictions'"
          : "SELECT name FROM pragma_table_info('predictions')",
      );
      expect(columns.map((c) => c.name ?? c.column_name)).not.toContain('margin_bucket');
      await dataSource.runMigrations({ transaction: 'each' });
      const backfilled = (await read()).map((r) => [r.id, Number(r.l), Number(r.m), Number(r.e)]);
      expect(backfilled).toEqual(written);
    } finally {
      await tables.close();
      await dataSource.destroy();
      await database?.drop();
    }
  });
});
