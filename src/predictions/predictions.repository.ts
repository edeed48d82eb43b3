import { Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { Db } from '../database/db.js';
import { dedupeWithinBatch } from '../common/rows.js';
import type { PredictionRow } from './prediction-rows.js';
import { PredictionEntity } from './prediction.entity.js';

export interface InsertOutcome {
  accepted: number;
  acceptedByModel: Map<string, number>;
  duplicates: number;
  /** Ids already stored (or repeated in the batch) with different content: the batch was not stored. */
  conflicts: { model: string; id: string }[];
}

/** The predictions table's columns in the order the ingest writes them (benchmarks seed with the same). */
export const PREDICTION_COLUMNS = [
  'model',
  'id',
  'model_version',
  'ts',
  'features',
  'prediction',
  'scores',
  'slices',
  'item_id',
  'exposure_policy',
  'propensity',
  'shown',
  'trace_id',
  'least_confidence',
  'margin',
  'entropy',
  'feature_hash',
  'content_hash',
  'received_at',
  'implicit_at',
  'final_at',
] as const;

const PG_TYPES = [
  'text',
  'text',
  'text',
  'int8',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'float8',
  'int4',
  'text',
  'float8',
  'float8',
  'float8',
  'text',
  'text',
  'int8',
  'int8',
  'int8',
];

/** A validated row's values in PREDICTION_COLUMNS order. */
export function predictionValues(row: PredictionRow, receivedAt: number): unknown[] {
  return [
    row.model,
    row.id,
    row.modelVersion,
    row.ts,
    row.featuresJson,
    row.prediction,
    row.scoresJson,
    row.slicesJson,
    row.itemId,
    row.exposurePolicy,
    row.propensity,
    row.shown === null ? null : row.shown ? 1 : 0,
    row.traceId,
    row.leastConfidence,
    row.margin,
    row.entropy,
    row.featureHash,
    row.contentHash,
    receivedAt,
    row.implicitAt,
    row.finalAt,
  ];
}

@Injectable()
export class PredictionsRepository {
  private sqliteStatements?: { insert: Statement; hashOf: Statement; joinEarlyEvents: Statement };

  constructor(private readonly db: Db) {}

  /**
   * Stores a batch atomically and idempotently: a row whose id is stored with the same content
   * counts as a duplicate; with other content it is a conflict, and then nothing is stored.
   */
  insertBatch(rows: PredictionRow[], receivedAt: number): Promise<InsertOutcome> {
    const { unique, duplicates, conflicts } = dedupeWithinBatch(rows);
    if (conflicts.length > 0) return Promise.resolve(rejected(conflicts));
    return this.db.kind === 'sqlite'
      ? this.db.exclusive(() => this.insertSqlite(unique, duplicates, receivedAt))
      : this.insertPostgres(unique, duplicates, receivedAt);
  }

  private insertSqlite(rows: PredictionRow[], batchDuplicates: number, receivedAt: number): InsertOutcome {
    const sqlite = this.db.sqlite;
    this.sqliteStatements ??= {
      insert: sqlite.prepare(
        `INSERT INTO predictions (${PREDICTION_COLUMNS.join(', ')}) VALUES (${PREDICTION_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT (model, id) DO NOTHING`,
      ),
      hashOf: sqlite.prepare('SELECT content_hash FROM predictions WHERE model = ? AND id = ?').pluck(),
      joinEarlyEvents: sqlite.prepare(JOIN_EARLY_EVENTS_SQLITE),
    };
    const { insert, hashOf, joinEarlyEvents } = this.sqliteStatements;
    let outcome: InsertOutcome = { accepted: 0, acceptedByModel: new Map(), duplicates: batchDuplicates, conflicts: [] };
    try {
      sqlite.transaction(() => {
        for (const row of rows) {
          if (insert.run(predictionValues(row, receivedAt)).changes === 1) {
            countAccepted(outcome, row.model);
            joinEarlyEvents.run(row.model, row.id);
          } else if (hashOf.get(row.model, row.id) === row.contentHash) outcome.duplicates++;
          else outcome.conflicts.push({ model: row.model, id: row.id });
        }
        if (outcome.conflicts.length > 0) throw new ConflictRollback(outcome.conflicts);
      })();
    } catch (error) {
      if (!(error instanceof ConflictRollback)) throw error;
      outcome = rejected(error.conflicts);
    }
    return outcome;
  }

  private async insertPostgres(rows: PredictionRow[], batchDuplicates: number, receivedAt: number): Promise<InsertOutcome> {
    const tuples = rows.map((row) => predictionValues(row, receivedAt));
    const columns = PREDICTION_COLUMNS.map((_, i) => tuples.map((tuple) => tuple[i]));
    try {
      return await this.db.transaction(async (manager) => {
        const inserted: { model: string; id: string }[] = await manager.query(
          `INSERT INTO predictions (${PREDICTION_COLUMNS.join(', ')})
           SELECT * FROM unnest(${PG_TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})
           ON CONFLICT (model, id) DO NOTHING RETURNING model, id`,
          columns,
        );
        const insertedKeys = new Set(inserted.map((r) => `${r.model}\u0000${r.id}`));
        const others = rows.filter((row) => !insertedKeys.has(`${row.model}\u0000${row.id}`));
        const outcome: InsertOutcome = { accepted: 0, acceptedByModel: new Map(), duplicates: batchDuplicates, conflicts: [] };
        for (const r of inserted) countAccepted(outcome, r.model);
        if (inserted.length > 0) {
          await manager.query(JOIN_EARLY_EVENTS_POSTGRES, [inserted.map((r) => r.model), inserted.map((r) => r.id)]);
        }
        if (others.length > 0) {
          const stored: { model: string; id: string; content_hash: string }[] = await manager.query(
            'SELECT p.model, p.id, p.content_hash FROM predictions p JOIN unnest($1::text[], $2::text[]) AS k(model, id) ON p.model = k.model AND p.id = k.id',
            [others.map((r) => r.model), others.map((r) => r.id)],
          );
          const hashes = new Map(stored.map((s) => [`${s.model}\u0000${s.id}`, s.content_hash]));
          for (const row of others) {
            if (hashes.get(`${row.model}\u0000${row.id}`) === row.contentHash) outcome.duplicates++;
            else outcome.conflicts.push({ model: row.model, id: row.id });
          }
        }
        if (outcome.conflicts.length > 0) throw new ConflictRollback(outcome.conflicts);
        return outcome;
      });
    } catch (error) {
      if (error instanceof ConflictRollback) return rejected(error.conflicts);
      throw error;
    }
  }

  findOne(model: string, id: string): Promise<PredictionEntity | null> {
    return this.db.manager.findOneBy(PredictionEntity, { model, id });
  }
}

// Events that arrived before their prediction wait as 'pending'; the prediction's arrival makes them
// 'new' for the label join, by index, in the same transaction.
const JOIN_EARLY_EVENTS_SQLITE = "UPDATE events SET state = 'new' WHERE model = ? AND prediction_id = ? AND state = 'pending'";
const JOIN_EARLY_EVENTS_POSTGRES = `UPDATE events e SET state = 'new' FROM unnest($1::text[], $2::text[]) AS k(model, id)
  WHERE e.model = k.model AND e.prediction_id = k.id AND e.state = 'pending'`;

class ConflictRollback extends Error {
  constructor(readonly conflicts: { model: string; id: string }[]) {
    super('conflict');
  }
}

function rejected(conflicts: { model: string; id: string }[]): InsertOutcome {
  return { accepted: 0, acceptedByModel: new Map(), duplicates: 0, conflicts };
}

function countAccepted(outcome: InsertOutcome, model: string): void {
  outcome.accepted++;
  outcome.acceptedByModel.set(model, (outcome.acceptedByModel.get(model) ?? 0) + 1);
}
