import { mkdirSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { ErrorDetail } from '../../src/common/api-error.js';
import { openDatabase, sqliteFile } from '../../src/database/data-source.js';
import type { FeatureSpec } from '../../src/models/model-settings.js';
import { compileModels, validatePrediction } from '../../src/predictions/prediction-rows.js';
import { PREDICTION_COLUMNS as COLUMNS, predictionValues } from '../../src/predictions/predictions.repository.js';
import { MODEL, MODEL_DEFINITION, predictionsIn } from './data.js';
import { type RunShape, serialisedBatch } from './http-ingest.js';

export interface RawIngestResult {
  rows: number;
  /** Time spent inside the insert transactions only; preparing the rows is not counted. */
  seconds: number;
  rowsPerSecond: number;
}

/**
 * The baseline: the same rows, with the same derived columns, inserted with plain better-sqlite3
 * prepared statements in transactions of `batchSize` rows into a table made by the service's own
 * migrations (WAL, synchronous=NORMAL, as the service opens it).
 */
export async function rawIngest(dataDir: string, shape: RunShape): Promise<RawIngestResult> {
  const migrated = await openDatabase({ DATA_DIR: dataDir });
  await migrated.destroy();

  const db = new Database(sqliteFile(dataDir));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    const insert = db.prepare(`INSERT INTO predictions (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`);
    const insertBatch = db.transaction((batch: unknown[][]) => {
      for (const values of batch) insert.run(values);
    });
    const models = compileModels([benchModel()]);

    let nanos = 0n;
    for (let from = 0; from < shape.rows; from += shape.batchSize) {
      const to = Math.min(shape.rows, from + shape.batchSize);
      const now = Date.now();
      const batch = predictionsIn(from, to, shape.startMs, shape.idPrefix).map((p, i) => {
        const errors: ErrorDetail[] = [];
        const row = validatePrediction(p, i, { models, now, traceId: null }, errors);
        if (!row) throw new Error(`generated row ${from + i} is invalid: ${JSON.stringify(errors)}`);
        return predictionValues(row, now);
      });
      const started = process.hrtime.bigint();
      insertBatch(batch);
      nanos += process.hrtime.bigint() - started;
    }
    const seconds = Number(nanos) / 1e9;
    return { rows: shape.rows, seconds, rowsPerSecond: shape.rows / seconds };
  } finally {
    db.close();
  }
}

/**
 * The issue's baseline (issue 11): the same rows inserted with a prepared INSERT into a table with
 * the predictions' columns and only the primary key, in transactions of `batchSize` rows, the raw
 * side parsing the same JSON bodies the service receives. Timed: JSON.parse of each body and the
 * insert transaction; validatePrediction (the derived columns) is computed outside the clock.
 */
export function rawPrimaryKeyIngest(dataDir: string, shape: RunShape): RawIngestResult {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(sqliteFile(dataDir));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(`CREATE TABLE predictions (${COLUMNS.join(', ')}, PRIMARY KEY (model, id))`);
    const insert = db.prepare(`INSERT INTO predictions (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`);
    const insertBatch = db.transaction((batch: unknown[][]) => {
      for (const values of batch) insert.run(values);
    });
    const models = compileModels([benchModel()]);
    let nanos = 0n;
    for (let from = 0; from < shape.rows; from += shape.batchSize) {
      const body = serialisedBatch(shape, from);
      const parseStarted = process.hrtime.bigint();
      const parsed = (JSON.parse(body.toString('utf8')) as { predictions: unknown[] }).predictions;
      nanos += process.hrtime.bigint() - parseStarted;
      const now = Date.now();
      const batch = parsed.map((p, i) => {
        const errors: ErrorDetail[] = [];
        const row = validatePrediction(p, i, { models, now, traceId: null }, errors);
        if (!row) throw new Error(`generated row ${from + i} is invalid: ${JSON.stringify(errors)}`);
        return predictionValues(row, now);
      });
      const started = process.hrtime.bigint();
      insertBatch(batch);
      nanos += process.hrtime.bigint() - started;
    }
    const seconds = Number(nanos) / 1e9;
    return { rows: shape.rows, seconds, rowsPerSecond: shape.rows / seconds };
  } finally {
    db.close();
  }
}

function benchModel() {
  return {
    name: MODEL,
    classes: MODEL_DEFINITION.classes,
    sliceKeys: MODEL_DEFINITION.sliceKeys,
    featureSchema: MODEL_DEFINITION.featureSchema as Record<string, FeatureSpec>,
  };
}

/**
 * Checks that the service stored exactly what the baseline stored: the same row count, and the
 * same values in every column but received_at for a spread of sample rows. Returns the problems.
 */
export function compareStores(serviceDir: string, rawDir: string, shape: RunShape, samples = 500): string[] {
  const service = new Database(sqliteFile(serviceDir), { readonly: true });
  const raw = new Database(sqliteFile(rawDir), { readonly: true });
  try {
    const problems: string[] = [];
    const count = (db: Database.Database) =>
      db.prepare('SELECT count(*) FROM predictions WHERE model = ?').pluck().get(MODEL) as number;
    const [inService, inRaw] = [count(service), count(raw)];
    if (inService !== shape.rows || inRaw !== shape.rows)
      problems.push(`row counts: service ${inService}, raw ${inRaw}, expected ${shape.rows}`);
    const columns = COLUMNS.filter((c) => c !== 'received_at').join(', ');
    const sql = `SELECT ${columns} FROM predictions WHERE model = ? AND id = ?`;
    const [fromService, fromRaw] = [service.prepare(sql), raw.prepare(sql)];
    const step = Math.max(1, Math.floor(shape.rows / samples));
    for (let i = 0; i < shape.rows && problems.length < 5; i += step) {
      const id = `${shape.idPrefix}${i}`;
      const [a, b] = [JSON.stringify(fromService.get(MODEL, id)), JSON.stringify(fromRaw.get(MODEL, id))];
      if (a !== b) problems.push(`row ${id} differs:\n  service ${a}\n  raw     ${b}`);
    }
    return problems;
  } finally {
    service.close();
    raw.close();
  }
}
