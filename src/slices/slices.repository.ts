import { Injectable } from '@nestjs/common';
import { Db } from '../database/db.js';
import { CountCells, cellWhere } from '../database/count-cells.js';
import { LockKey } from '../database/locks.js';
import type { Tx } from '../database/tx.js';
import { type CellKey, OVERALL, type RolledPrediction } from './cells.js';
import type { CellSum } from './report.js';
import type { Extent, Segment, SignedSegment } from './window.js';

/** One outbox row with the prediction it is about (null when that prediction is gone). */
export interface PendingChange {
  seq: number;
  model: string;
  predictionId: string;
  before: { label: string; source: string } | null;
  after: { label: string; source: string } | null;
  /** The quality keys as written to the outbox; `qualityTracked` false on rows from before they were. */
  qualityBefore: string | null;
  qualityAfter: string | null;
  qualityTracked: boolean;
  /** With what the feedback cells key on besides the label. */
  prediction: (RolledPrediction & { exposurePolicy: string | null; propensity: number | null }) | null;
}

export interface CellFilter {
  version: string | null;
  /** A label source, or null for all. */
  source: string | null;
}

export interface BucketCounts {
  bucket: number;
  n: number;
  correct: number;
}

const CELL_COLUMNS = 'model, grain, bucket, model_version, slice_key, slice_value, source, actual, predicted';
const CELLS = new CountCells('slice_cells', CELL_COLUMNS.split(', '), 100);

/** The rollup cells and the part of the label-change outbox that feeds them. */
@Injectable()
export class SlicesRepository {
  constructor(private readonly db: Db) {}

  /** One cell writer at a time on PostgreSQL (SQLite's write transactions are exclusive anyway). */
  async lockCells(tx: Tx): Promise<void> {
    await tx.advisoryLock(LockKey.Rollup);
  }

  async pendingChanges(tx: Tx, limit: number, model?: string): Promise<PendingChange[]> {
    const rows = await tx.all<{
      seq: number;
      model: string;
      prediction_id: string;
      old_label: string | null;
      old_source: string | null;
      new_label: string | null;
      new_source: string | null;
      old_quality: string | null;
      new_quality: string | null;
      model_version: string | null;
      ts: number | null;
      prediction: string | null;
      slices: string | null;
      exposure_policy: string | null;
      propensity: number | null;
    }>(
      `SELECT c.seq, c.model, c.prediction_id, c.old_label, c.old_source, c.new_label, c.new_source, c.old_quality, c.new_quality,
         p.model_version, p.ts, p.prediction, p.slices, p.exposure_policy, p.propensity
       FROM label_changes c LEFT JOIN predictions p ON p.model = c.model AND p.id = c.prediction_id
       WHERE c.processed_at IS NULL AND c.dead_lettered_at IS NULL${model === undefined ? '' : ' AND c.model = ?'} ORDER BY c.seq LIMIT ?`,
      model === undefined ? [limit] : [model, limit],
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      model: r.model,
      predictionId: r.prediction_id,
      before: r.old_label === null || r.old_source === null ? null : { label: r.old_label, source: r.old_source },
      after: r.new_label === null || r.new_source === null ? null : { label: r.new_label, source: r.new_source },
      qualityBefore: r.old_quality,
      qualityAfter: r.new_quality,
      qualityTracked: r.new_quality !== null,
      prediction:
        r.model_version === null
          ? null
          : {
              model: r.model,
              modelVersion: r.model_version,
              ts: Number(r.ts),
              predicted: r.prediction!,
              slices: JSON.parse(r.slices!) as Record<string, string>,
              exposurePolicy: r.exposure_policy,
              propensity: r.propensity === null ? null : Number(r.propensity),
            },
    }));
  }

  /** Adds each delta to its cell, creating the cell as needed; a cell that reaches 0 is removed. */
  async addToCells(tx: Tx, changes: { cell: CellKey; delta: number }[]): Promise<void> {
    await CELLS.add(
      tx,
      changes.map(({ cell, delta }) => ({ key: keyValues(cell), delta })),
    );
  }

  deleteCells(tx: Tx, model: string): Promise<number> {
    return tx.run('DELETE FROM slice_cells WHERE model = ?', [model]);
  }

  /** A page of labeled predictions by id, for recomputing cells from the raw rows. */
  async labeledPredictions(tx: Tx, model: string, afterId: string | null, limit: number) {
    const rows = await tx.all<{
      id: string;
      model_version: string;
      ts: number;
      prediction: string;
      slices: string;
      effective_label: string;
      effective_source: string;
    }>(
      `SELECT id, model_version, ts, prediction, slices, effective_label, effective_source FROM predictions
       WHERE model = ? AND effective_label IS NOT NULL${afterId === null ? '' : ' AND id > ?'} ORDER BY id LIMIT ?`,
      afterId === null ? [model, limit] : [model, afterId, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      prediction: {
        model,
        modelVersion: r.model_version,
        ts: Number(r.ts),
        predicted: r.prediction,
        slices: JSON.parse(r.slices) as Record<string, string>,
      } satisfies RolledPrediction,
      label: { label: r.effective_label, source: r.effective_source },
    }));
  }

  /** Every stored cell of a model. */
  async cellsOfModel(tx: Tx, model: string): Promise<(CellKey & { n: number })[]> {
    const rows = await tx.all<{
      grain: CellKey['grain'];
      bucket: number;
      model_version: string;
      slice_key: string;
      slice_value: string;
      source: string;
      actual: string;
      predicted: string;
      n: number;
    }>(`SELECT ${CELL_COLUMNS}, n FROM slice_cells WHERE model = ?`, [model]);
    return rows.map((r) => ({
      model,
      grain: r.grain,
      bucket: Number(r.bucket),
      modelVersion: r.model_version,
      key: r.slice_key,
      value: r.slice_value,
      source: r.source,
      actual: r.actual,
      predicted: r.predicted,
      n: Number(r.n),
    }));
  }

  /** The first and last day with cells, or null when the model has none. */
  async dayExtent(model: string): Promise<Extent | null> {
    // Two queries: each is one seek at an end of the key, which MIN and MAX together are not on SQLite.
    const end = async (fn: 'MIN' | 'MAX') =>
      (
        await this.db.query<{ b: number | null }>(
          `SELECT ${fn}(bucket) AS b FROM slice_cells WHERE model = ? AND grain = 'day'`,
          [model],
        )
      )[0]?.b ?? null;
    const firstDay = await end('MIN');
    const lastDay = await end('MAX');
    return firstDay === null || lastDay === null ? null : { firstDay: Number(firstDay), lastDay: Number(lastDay) };
  }

  /**
   * Counts by slice, actual and predicted class over the plan's cells, and the whole model's counts
   * over audit labels alone, read from one snapshot.
   */
  reportCells(model: string, plan: SignedSegment[], filter: CellFilter): Promise<{ cells: CellSum[]; auditCells: CellSum[] }> {
    return this.db.snapshot(async (tx) => {
      const cells = new Map<string, CellSum>();
      const auditCells = new Map<string, CellSum>();
      for (const segment of plan) {
        const { where, params } = cellWhere(model, segment, filter);
        const bySlice = await tx.all<CellSum>(
          `SELECT slice_key AS key, slice_value AS value, actual, predicted, SUM(n) AS n FROM slice_cells
           WHERE ${where} GROUP BY slice_key, slice_value, actual, predicted`,
          params,
        );
        addSums(cells, bySlice, segment.sign);
        const audit = cellWhere(model, segment, { ...filter, source: 'audit' });
        const ofAudit = await tx.all<CellSum>(
          `SELECT slice_key AS key, slice_value AS value, actual, predicted, SUM(n) AS n FROM slice_cells
           WHERE slice_key = ? AND slice_value = ? AND ${audit.where} GROUP BY slice_key, slice_value, actual, predicted`,
          [OVERALL, OVERALL, ...audit.params],
        );
        addSums(auditCells, ofAudit, segment.sign);
      }
      return { cells: [...cells.values()], auditCells: [...auditCells.values()] };
    });
  }

  /**
   * Labeled and correct predictions per slice value over the plan's cells, summed in SQL: what label
   * accuracy alone needs (reportCells' rows by actual and predicted class are what the report needs).
   */
  labelCounts(
    model: string,
    plan: SignedSegment[],
    filter: CellFilter,
  ): Promise<{ key: string; value: string; n: number; correct: number }[]> {
    return this.db.snapshot(async (tx) => {
      const sums = new Map<string, { key: string; value: string; n: number; correct: number }>();
      for (const segment of plan) {
        const { where, params } = cellWhere(model, segment, filter);
        const rows = await tx.all<{ key: string; value: string; n: number | string; correct: number | string }>(
          `SELECT slice_key AS key, slice_value AS value, SUM(n) AS n, SUM(CASE WHEN actual = predicted THEN n ELSE 0 END) AS correct
           FROM slice_cells WHERE ${where} GROUP BY slice_key, slice_value`,
          params,
        );
        for (const r of rows) {
          const id = `${r.key}\u0000${r.value}`;
          let sum = sums.get(id);
          if (!sum) sums.set(id, (sum = { key: r.key, value: r.value, n: 0, correct: 0 }));
          sum.n += segment.sign * Number(r.n);
          sum.correct += segment.sign * Number(r.correct);
        }
      }
      return [...sums.values()];
    });
  }

  /** n and correct per bucket of one slice value over the segments' cells (the series index serves it). */
  seriesCells(model: string, key: string, value: string, segments: Segment[], filter: CellFilter): Promise<BucketCounts[]> {
    return this.db.snapshot(async (tx) => {
      const out: BucketCounts[] = [];
      for (const segment of segments) {
        const { where, params } = cellWhere(model, segment, filter);
        const rows = await tx.all<BucketCounts>(
          `SELECT bucket, SUM(n) AS n, SUM(CASE WHEN actual = predicted THEN n ELSE 0 END) AS correct FROM slice_cells
           WHERE slice_key = ? AND slice_value = ? AND ${where} GROUP BY bucket`,
          [key, value, ...params],
        );
        for (const r of rows) out.push({ bucket: Number(r.bucket), n: Number(r.n), correct: Number(r.correct) });
      }
      return out;
    });
  }
}

function addSums(into: Map<string, CellSum>, rows: CellSum[], sign: 1 | -1): void {
  for (const r of rows) {
    const id = `${r.key}\u0000${r.value}\u0000${r.actual}\u0000${r.predicted}`;
    const sum = into.get(id);
    if (sum) sum.n += sign * Number(r.n);
    else into.set(id, { ...r, n: sign * Number(r.n) });
  }
}

function keyValues(c: CellKey): unknown[] {
  return [c.model, c.grain, c.bucket, c.modelVersion, c.key, c.value, c.source, c.actual, c.predicted];
}
