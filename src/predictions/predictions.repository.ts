import { Injectable } from '@nestjs/common';
import { dedupeWithinBatch } from '../common/rows.js';
import { Db } from '../database/db.js';
import { GroupCommit } from '../database/group-commit.js';
import { chunks, placeholders } from '../database/sql.js';
import type { Tx } from '../database/tx.js';
import type { EffectiveLabel } from '../labels/effective-label.js';
import { LabelEntity } from '../labels/label.entity.js';
import type { LabelSource } from '../models/model-settings.js';
import type { PredictionRow } from './prediction-rows.js';
import { PredictionEntity } from './prediction.entity.js';
import { uncertaintyBuckets } from './uncertainty.js';

/** One prediction's new effective label and / or quality key (what setLabelState writes). */
export interface LabelStateChange {
  id: string;
  effective?: EffectiveLabel | null;
  qualityKey?: string;
}

/** Predictions per batched label-state UPDATE on PostgreSQL (5 parameters each at most). */
const LABEL_STATE_CHUNK = 1000;

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
  'least_confidence_bucket',
  'margin_bucket',
  'entropy_bucket',
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
  'int4',
  'int4',
  'int4',
];

/** A validated row's values in PREDICTION_COLUMNS order. */
export function predictionValues(row: PredictionRow, receivedAt: number): unknown[] {
  const buckets = uncertaintyBuckets(row);
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
    buckets.leastConfidenceBucket,
    buckets.marginBucket,
    buckets.entropyBucket,
  ];
}

export interface PredictionKey {
  model: string;
  id: string;
}

/** A prediction the ingest stored (not a duplicate), with what its tallies are keyed by. */
export interface StoredPrediction extends PredictionKey {
  modelVersion: string;
  ts: number;
  predicted: string;
  slices: Record<string, string>;
  exposurePolicy: string | null;
  propensity: number | null;
}

/** Called in the ingest transaction with the predictions it stored (not duplicates). */
export type StoredHook = (tx: Tx, stored: StoredPrediction[]) => Promise<void>;

const INSERT_SQLITE = `INSERT INTO predictions (${PREDICTION_COLUMNS.join(', ')}) VALUES (${placeholders(PREDICTION_COLUMNS.length)}) ON CONFLICT (model, id) DO NOTHING`;
const INSERT_POSTGRES = `INSERT INTO predictions (${PREDICTION_COLUMNS.join(', ')})
  SELECT * FROM unnest(${PG_TYPES.map((t) => `?::${t}[]`).join(', ')})
  ON CONFLICT (model, id) DO NOTHING RETURNING model, id`;

/**
 * SQLite group commit (bench/README.md, "Issue 11, sixth pass"): batches of up to this many rows that
 * arrive together share a transaction, up to GROUP_MAX_ROWS rows in all; larger batches commit alone.
 */
const GROUP_MAX_ROWS_PER_REQUEST = 100;
const GROUP_MAX_ROWS = 1000;

interface InsertRequest {
  unique: PredictionRow[];
  duplicates: number;
  receivedAt: number;
}

interface Inserted {
  outcome: InsertOutcome;
  stored: StoredPrediction[];
}

@Injectable()
export class PredictionsRepository {
  private readonly groups = new Map<StoredHook, GroupCommit<InsertRequest, Inserted>>();

  constructor(private readonly db: Db) {}

  /**
   * Stores a batch atomically and idempotently: a row whose id is stored with the same content
   * counts as a duplicate; with other content it is a conflict, and then nothing is stored. On SQLite,
   * small batches that arrive together share one transaction (GroupCommit), each behind a savepoint;
   * `onStored` then runs once for all of them, so pass the same function on every call.
   */
  async insertBatch(rows: PredictionRow[], receivedAt: number, onStored: StoredHook): Promise<InsertOutcome> {
    const { unique, duplicates, conflicts } = dedupeWithinBatch(rows);
    if (conflicts.length > 0) return rejected(conflicts);
    const request: InsertRequest = { unique, duplicates, receivedAt };
    try {
      const group = this.groupFor(onStored);
      const grouped = this.db.kind === 'sqlite' && unique.length <= GROUP_MAX_ROWS_PER_REQUEST;
      return (await (grouped ? group.submit(request, unique.length) : group.alone(request))).outcome;
    } catch (error) {
      if (error instanceof ConflictRollback) return rejected(error.conflicts);
      throw error;
    }
  }

  private groupFor(onStored: StoredHook): GroupCommit<InsertRequest, Inserted> {
    let group = this.groups.get(onStored);
    if (!group) {
      const work = {
        apply: (tx: Tx, request: InsertRequest) => this.insertRequest(tx, request),
        afterAll: async (tx: Tx, inserted: Inserted[]) => {
          const stored = inserted.flatMap((i) => i.stored);
          if (stored.length > 0) await onStored(tx, stored);
        },
      };
      this.groups.set(onStored, (group = new GroupCommit(this.db, work, GROUP_MAX_ROWS)));
    }
    return group;
  }

  /** One batch's inserts and its duplicate / conflict check; throws ConflictRollback on a conflict (the caller undoes). */
  private async insertRequest(tx: Tx, { unique, duplicates, receivedAt }: InsertRequest): Promise<Inserted> {
    const outcome: InsertOutcome = { accepted: 0, acceptedByModel: new Map(), duplicates, conflicts: [] };
    const stored = await this.insertNew(tx, unique, receivedAt);
    for (const r of stored) countAccepted(outcome, r.model);
    const storedKeys = new Set(stored.map((r) => `${r.model}\u0000${r.id}`));
    const others = unique.filter((row) => !storedKeys.has(`${row.model}\u0000${row.id}`));
    const hashes = await this.contentHashes(tx, others);
    for (const row of others) {
      if (hashes.get(`${row.model}\u0000${row.id}`) === row.contentHash) outcome.duplicates++;
      else outcome.conflicts.push({ model: row.model, id: row.id });
    }
    if (outcome.conflicts.length > 0) throw new ConflictRollback(outcome.conflicts);
    return { outcome, stored: stored.length > 0 ? storedOf(unique, stored) : [] };
  }

  /** Inserts the rows not stored yet; returns their keys. SQLite: row by row (prepared, synchronous); PostgreSQL: one unnest. */
  private async insertNew(tx: Tx, rows: PredictionRow[], receivedAt: number): Promise<PredictionKey[]> {
    if (rows.length === 0) return [];
    if (tx.kind === 'sqlite') {
      const insert = this.db.prepared(INSERT_SQLITE);
      return rows
        .filter((row) => insert.run(predictionValues(row, receivedAt)).changes === 1)
        .map((row) => ({ model: row.model, id: row.id }));
    }
    const tuples = rows.map((row) => predictionValues(row, receivedAt));
    return tx.all<PredictionKey>(
      INSERT_POSTGRES,
      PREDICTION_COLUMNS.map((_, i) => tuples.map((tuple) => tuple[i])),
    );
  }

  private async contentHashes(tx: Tx, keys: PredictionKey[]): Promise<Map<string, string>> {
    const hashes = new Map<string, string>();
    for (const [model, ofModel] of groupKeys(keys)) {
      for (const ids of chunks(ofModel)) {
        const rows = await tx.all<{ id: string; content_hash: string }>(
          `SELECT id, content_hash FROM predictions WHERE model = ? AND id IN (${placeholders(ids.length)})`,
          [model, ...ids],
        );
        for (const r of rows) hashes.set(`${model}\u0000${r.id}`, r.content_hash);
      }
    }
    return hashes;
  }

  findOne(model: string, id: string): Promise<PredictionEntity | null> {
    return this.db.manager.findOneBy(PredictionEntity, { model, id });
  }

  /** The prediction's events, for its detail view. */
  eventsOf(model: string, predictionId: string) {
    return this.db.query<{
      id: string;
      type: string;
      ts: number;
      value: number | null;
      attributes: string | null;
      state: string;
      received_at: number;
    }>(
      'SELECT id, type, ts, value, attributes, state, received_at FROM events WHERE model = ? AND prediction_id = ? ORDER BY ts, id',
      [model, predictionId],
    );
  }

  /** Every label of the prediction, oldest first, for its detail view. */
  labelsOf(model: string, predictionId: string): Promise<LabelEntity[]> {
    return this.db.manager.find(LabelEntity, { where: { model, predictionId }, order: { createdAt: 'ASC' } });
  }

  /** The prediction's timestamp, its row locked until the caller's transaction ends; undefined when it is not stored. */
  async lockOne(tx: Tx, model: string, id: string): Promise<{ ts: number } | undefined> {
    return tx.get<{ ts: number }>(`SELECT ts FROM predictions WHERE model = ? AND id = ?${tx.lockRows()}`, [model, id]);
  }

  /** The stored effective labels of these predictions, in id order, their rows locked until the transaction ends. */
  lockEffective(tx: Tx, model: string, ids: string[]) {
    return tx.all<{
      id: string;
      effective_label: string | null;
      effective_source: LabelSource | null;
      quality_key: string | null;
    }>(
      `SELECT id, effective_label, effective_source, quality_key FROM predictions WHERE model = ? AND id IN (${placeholders(ids.length)}) ORDER BY id${tx.lockRows()}`,
      [model, ...ids],
    );
  }

  async effectiveOf(tx: Tx, model: string, id: string): Promise<EffectiveLabel | null> {
    const row = await tx.get<{ effective_label: string | null; effective_source: LabelSource | null }>(
      'SELECT effective_label, effective_source FROM predictions WHERE model = ? AND id = ?',
      [model, id],
    );
    return row?.effective_label && row.effective_source ? { label: row.effective_label, source: row.effective_source } : null;
  }

  async setEffective(tx: Tx, model: string, id: string, effective: EffectiveLabel | null, now: number): Promise<void> {
    await tx.run('UPDATE predictions SET effective_label = ?, effective_source = ?, labeled_at = ? WHERE model = ? AND id = ?', [
      effective?.label ?? null,
      effective?.source ?? null,
      effective ? now : null,
      model,
      id,
    ]);
  }

  /**
   * Stores what a label refresh changed on the prediction in one statement: its effective label
   * (when `effective` is given) and its label-quality key (when `qualityKey` is given).
   */
  async setLabelState(
    tx: Tx,
    model: string,
    id: string,
    change: { effective?: EffectiveLabel | null; qualityKey?: string },
    now: number,
  ): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [];
    if (change.effective !== undefined) {
      sets.push('effective_label = ?', 'effective_source = ?', 'labeled_at = ?');
      params.push(change.effective?.label ?? null, change.effective?.source ?? null, change.effective ? now : null);
    }
    if (change.qualityKey !== undefined) {
      sets.push('quality_key = ?');
      params.push(change.qualityKey);
    }
    if (sets.length === 0) return;
    await tx.run(`UPDATE predictions SET ${sets.join(', ')} WHERE model = ? AND id = ?`, [...params, model, id]);
  }

  /**
   * setLabelState for many predictions of one model. SQLite: one prepared update each (synchronous,
   * no round trips). PostgreSQL: one UPDATE .. FROM (VALUES ..) per shape of change and chunk, since a
   * statement per prediction made the label job round-trip bound (bench/README.md, "Scale-out").
   */
  async setLabelStates(tx: Tx, model: string, changes: readonly LabelStateChange[], now: number): Promise<void> {
    if (tx.kind === 'sqlite') {
      for (const c of changes) await this.setLabelState(tx, model, c.id, c, now);
      return;
    }
    const shapes = new Map<string, LabelStateChange[]>();
    for (const c of changes) {
      const shape = `${c.effective !== undefined ? 'e' : ''}${c.qualityKey !== undefined ? 'q' : ''}`;
      if (shape === '') continue;
      const ofShape = shapes.get(shape);
      if (ofShape) ofShape.push(c);
      else shapes.set(shape, [c]);
    }
    for (const [shape, ofShape] of shapes) {
      const withEffective = shape.includes('e');
      const withQuality = shape.includes('q');
      const columns = ['id', ...(withEffective ? ['label', 'source', 'labeled_at'] : []), ...(withQuality ? ['qk'] : [])];
      const sets = [
        ...(withEffective
          ? ['effective_label = v.label', 'effective_source = v.source', 'labeled_at = CAST(v.labeled_at AS bigint)']
          : []),
        ...(withQuality ? ['quality_key = v.qk'] : []),
      ];
      for (let from = 0; from < ofShape.length; from += LABEL_STATE_CHUNK) {
        const chunk = ofShape.slice(from, from + LABEL_STATE_CHUNK);
        const row = `(${columns.map(() => '?').join(', ')})`;
        const params = chunk.flatMap((c) => [
          c.id,
          ...(withEffective ? [c.effective?.label ?? null, c.effective?.source ?? null, c.effective ? String(now) : null] : []),
          ...(withQuality ? [c.qualityKey] : []),
        ]);
        await tx.run(
          `UPDATE predictions AS p SET ${sets.join(', ')}
           FROM (VALUES ${chunk.map(() => row).join(', ')}) AS v(${columns.join(', ')})
           WHERE p.model = ? AND p.id = v.id`,
          [...params, model],
        );
      }
    }
  }

  /** Stores the prediction's label-quality key (src/quality/quality-key.ts). */
  async setQualityKey(tx: Tx, model: string, id: string, qualityKey: string): Promise<void> {
    await tx.run('UPDATE predictions SET quality_key = ? WHERE model = ? AND id = ?', [qualityKey, model, id]);
  }

  /**
   * Up to `limit` predictions whose `due` time (implicit label or final label) has come, oldest
   * first, locked and skipping those another worker holds; their due time is cleared.
   */
  async takeDue(tx: Tx, due: 'implicit_at' | 'final_at', now: number, limit: number): Promise<DuePrediction[]> {
    const rows = await tx.all<DuePrediction>(
      `SELECT model, id, ts FROM predictions WHERE ${due} <= ? ORDER BY ${due} LIMIT ?${tx.skipLocked()}`,
      [now, limit],
    );
    for (const [model, ids] of groupKeys(rows)) {
      for (const chunk of chunks(ids)) {
        await tx.run(`UPDATE predictions SET ${due} = NULL WHERE model = ? AND id IN (${placeholders(chunk.length)})`, [
          model,
          ...chunk,
        ]);
      }
    }
    return rows;
  }
}

export interface DuePrediction {
  model: string;
  id: string;
  ts: number;
}

function storedOf(rows: readonly PredictionRow[], keys: readonly PredictionKey[]): StoredPrediction[] {
  const byKey = new Map(rows.map((r) => [`${r.model}\u0000${r.id}`, r]));
  return keys.map(({ model, id }) => {
    const r = byKey.get(`${model}\u0000${id}`)!;
    return {
      model,
      id,
      modelVersion: r.modelVersion,
      ts: r.ts,
      predicted: r.prediction,
      slices: JSON.parse(r.slicesJson) as Record<string, string>,
      exposurePolicy: r.exposurePolicy,
      propensity: r.propensity,
    };
  });
}

function groupKeys(keys: readonly PredictionKey[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const k of keys) {
    const list = out.get(k.model);
    if (list) list.push(k.id);
    else out.set(k.model, [k.id]);
  }
  return out;
}

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
