import { Injectable } from '@nestjs/common';
import { Db } from '../database/db.js';
import { CountCells, cellWhere } from '../database/count-cells.js';
import type { Tx } from '../database/tx.js';
import { DAY_MS, type Extent, GRAINS, type Grain, HOUR_MS, type SignedSegment } from '../slices/window.js';
import { type FeedbackCellKey, type FeedbackCellSum, feedbackKeyValues } from './feedback-cells.js';

const CELL_COLUMNS = 'model, grain, bucket, model_version, predicted, policy, missing, source, label';
const CELLS = new CountCells('feedback_cells', CELL_COLUMNS.split(', '), 100);
const BUCKET_SQL: Record<Grain, string> = {
  hour: `(ts / ${HOUR_MS}) * ${HOUR_MS}`,
  day: `(ts / ${DAY_MS}) * ${DAY_MS}`,
  all: '0',
};

/** The feedback report's maintained tallies. */
@Injectable()
export class FeedbackCellsRepository {
  constructor(private readonly db: Db) {}

  /** Adds each delta to its cell, creating it as needed; a cell that reaches 0 is removed. */
  async addToCells(tx: Tx, changes: readonly { cell: FeedbackCellKey; delta: number }[]): Promise<void> {
    await CELLS.add(
      tx,
      changes.map(({ cell, delta }) => ({ key: feedbackKeyValues(cell), delta })),
    );
  }

  /** The plan's cells summed by what the report groups on, in the caller's snapshot. */
  async sums(tx: Tx, model: string, plan: readonly SignedSegment[], version: string | null): Promise<FeedbackCellSum[]> {
    const out = new Map<string, FeedbackCellSum>();
    for (const segment of plan) {
      const { where, params } = cellWhere(model, segment, { version });
      const rows = await tx.all<FeedbackCellSum>(
        `SELECT predicted, policy, missing, source, label, SUM(n) AS n FROM feedback_cells
         WHERE ${where} GROUP BY predicted, policy, missing, source, label`,
        params,
      );
      for (const r of rows) {
        const id = [r.predicted, r.policy, r.missing, r.source, r.label].join('\u0000');
        const sum = out.get(id);
        if (sum) sum.n += segment.sign * Number(r.n);
        else out.set(id, { ...r, missing: Number(r.missing), n: segment.sign * Number(r.n) });
      }
    }
    return [...out.values()];
  }

  /** The first and last day with cells, or null when the model has none. */
  async dayExtent(tx: Tx, model: string): Promise<Extent | null> {
    const end = async (fn: 'MIN' | 'MAX') =>
      (
        await tx.get<{ b: number | null }>(`SELECT ${fn}(bucket) AS b FROM feedback_cells WHERE model = ? AND grain = 'day'`, [
          model,
        ])
      )?.b ?? null;
    const firstDay = await end('MIN');
    const lastDay = await end('MAX');
    return firstDay === null || lastDay === null ? null : { firstDay: Number(firstDay), lastDay: Number(lastDay) };
  }

  /** Replaces the model's tallies by a recomputation from its rows, in the caller's transaction. */
  async rebuild(tx: Tx, model: string): Promise<number> {
    await tx.run('DELETE FROM feedback_cells WHERE model = ?', [model]);
    let cells = 0;
    for (const grain of GRAINS) {
      cells += await tx.run(`INSERT INTO feedback_cells (${CELL_COLUMNS}, n) ${recomputedCellsSql(grain)}`, [model]);
    }
    return cells;
  }

  /** Cells (as id -> n) stored, and recomputed from the rows, in the caller's snapshot. */
  async cellsLiveAndExpected(tx: Tx, model: string) {
    const read = async (sql: string, params: unknown[]) => {
      const rows = await tx.all<Record<string, unknown> & { n: number | string }>(sql, params);
      return new Map(
        rows.map((r) => [
          CELL_COLUMNS.split(', ')
            .map((c) => String(r[c]))
            .join('\u0000'),
          Number(r.n),
        ]),
      );
    };
    const live = await read(`SELECT ${CELL_COLUMNS}, n FROM feedback_cells WHERE model = ?`, [model]);
    const expected = new Map<string, number>();
    for (const grain of GRAINS) for (const [id, n] of await read(recomputedCellsSql(grain), [model])) expected.set(id, n);
    return { live, expected };
  }
}

/** A model's cells of one grain, counted from its predictions and their effective labels (one parameter: the model). */
function recomputedCellsSql(grain: Grain): string {
  return `SELECT model, '${grain}' AS grain, ${BUCKET_SQL[grain]} AS bucket, model_version, prediction AS predicted,
      COALESCE(exposure_policy, '') AS policy, CASE WHEN propensity IS NULL THEN 1 ELSE 0 END AS missing,
      COALESCE(effective_source, '') AS source, COALESCE(effective_label, '') AS label, COUNT(*) AS n
    FROM predictions WHERE model = ? GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9`;
}
