import { Injectable } from '@nestjs/common';
import { CountCells, cellWhere } from '../database/count-cells.js';
import { Db } from '../database/db.js';
import type { Tx } from '../database/tx.js';
import { OVERALL, type RolledPrediction } from '../slices/cells.js';
import type { Extent, SignedSegment } from '../slices/window.js';
import type { QualityCellKey } from './quality-key.js';
import type { QualitySum } from './quality-sums.js';

const COLUMNS = [
  'model',
  'grain',
  'bucket',
  'model_version',
  'slice_key',
  'slice_value',
  'predicted',
  'b_source',
  'b_rule',
  'b_label',
  'h_source',
  'h_label',
];
const COLUMN_LIST = COLUMNS.join(', ');
const CELLS = new CountCells('quality_cells', COLUMNS, 80);
const SUM_COLUMNS =
  'slice_key AS key, slice_value AS value, predicted, b_source AS "bSource", b_rule AS "bRule", b_label AS "bLabel", h_source AS "hSource", h_label AS "hLabel"';
const GROUP = 'slice_key, slice_value, predicted, b_source, b_rule, b_label, h_source, h_label';

/** The label-quality cells (this is their only writer) and the prediction rows they are recomputed from. */
@Injectable()
export class QualityRepository {
  constructor(private readonly db: Db) {}

  /** Adds each delta to its cell, creating the cell as needed; a cell that reaches 0 is removed. */
  async addToCells(tx: Tx, changes: { cell: QualityCellKey; delta: number }[]): Promise<void> {
    await CELLS.add(
      tx,
      changes.map(({ cell, delta }) => ({ key: keyValues(cell), delta })),
    );
  }

  deleteCells(tx: Tx, model: string): Promise<number> {
    return tx.run('DELETE FROM quality_cells WHERE model = ?', [model]);
  }

  /** A page of the model's predictions by id with their quality keys, for recomputing cells from the rows. */
  async predictionsPage(tx: Tx, model: string, afterId: string | null, limit: number) {
    const rows = await tx.all<{
      id: string;
      model_version: string;
      ts: number;
      prediction: string;
      slices: string;
      quality_key: string | null;
    }>(
      `SELECT id, model_version, ts, prediction, slices, quality_key FROM predictions
       WHERE model = ?${afterId === null ? '' : ' AND id > ?'} ORDER BY id LIMIT ?`,
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
      qualityKey: r.quality_key,
    }));
  }

  async cellsOfModel(tx: Tx, model: string): Promise<(QualityCellKey & { n: number })[]> {
    const rows = await tx.all<Record<string, string | number>>(`SELECT ${COLUMN_LIST}, n FROM quality_cells WHERE model = ?`, [
      model,
    ]);
    return rows.map((r) => ({
      model,
      grain: r.grain as QualityCellKey['grain'],
      bucket: Number(r.bucket),
      modelVersion: String(r.model_version),
      key: String(r.slice_key),
      value: String(r.slice_value),
      predicted: String(r.predicted),
      bSource: String(r.b_source),
      bRule: String(r.b_rule),
      bLabel: String(r.b_label),
      hSource: String(r.h_source) as QualityCellKey['hSource'],
      hLabel: String(r.h_label),
      n: Number(r.n),
    }));
  }

  /** Predictions of the model counted in its whole-model cells: all time, or its day cells from a day on. */
  async overallCount(model: string, fromDay: number | null): Promise<number> {
    const rows = await this.db.query<{ n: number | string | null }>(
      fromDay === null
        ? `SELECT SUM(n) AS n FROM quality_cells WHERE model = ? AND grain = 'all' AND slice_key = ?`
        : `SELECT SUM(n) AS n FROM quality_cells WHERE model = ? AND grain = 'day' AND slice_key = ? AND bucket >= ?`,
      fromDay === null ? [model, OVERALL] : [model, OVERALL, fromDay],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** The first and last day with cells, or null when the model has none. */
  async dayExtent(model: string): Promise<Extent | null> {
    const end = async (fn: 'MIN' | 'MAX') =>
      (
        await this.db.query<{ b: number | null }>(
          `SELECT ${fn}(bucket) AS b FROM quality_cells WHERE model = ? AND grain = 'day'`,
          [model],
        )
      )[0]?.b ?? null;
    const firstDay = await end('MIN');
    const lastDay = await end('MAX');
    return firstDay === null || lastDay === null ? null : { firstDay: Number(firstDay), lastDay: Number(lastDay) };
  }

  /** Counts per slice and quality coordinate over the plan's cells, from one snapshot; `labeledOnly` skips unlabeled cells. */
  sums(model: string, plan: SignedSegment[], version: string | null, labeledOnly = false): Promise<QualitySum[]> {
    return this.db.snapshot(async (tx) => {
      const out = new Map<string, QualitySum>();
      for (const segment of plan) {
        const cells = cellWhere(model, segment, { version });
        const where = cells.where + (labeledOnly ? " AND b_source <> '' AND h_source <> ''" : '');
        const rows = await tx.all<QualitySum>(
          `SELECT ${SUM_COLUMNS}, SUM(n) AS n FROM quality_cells WHERE ${where} GROUP BY ${GROUP}`,
          cells.params,
        );
        for (const r of rows) {
          const id = [r.key, r.value, r.predicted, r.bSource, r.bRule, r.bLabel, r.hSource, r.hLabel].join('\u0000');
          const sum = out.get(id);
          if (sum) sum.n += segment.sign * Number(r.n);
          else out.set(id, { ...r, n: segment.sign * Number(r.n) });
        }
      }
      return [...out.values()].filter((s) => s.n !== 0);
    });
  }
}

function keyValues(c: QualityCellKey): unknown[] {
  return [
    c.model,
    c.grain,
    c.bucket,
    c.modelVersion,
    c.key,
    c.value,
    c.predicted,
    c.bSource,
    c.bRule,
    c.bLabel,
    c.hSource,
    c.hLabel,
  ];
}
