import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Tx } from '../database/tx.js';
import { ModelsService } from '../models/models.service.js';
import { PredictionsService, type StoredPrediction } from '../predictions/predictions.service.js';
import type { RolledPrediction } from '../slices/cells.js';
import { bucketOf } from '../slices/window.js';
import { decodeQualityKey, type QualityCellKey, qualityCellId, qualityCellsOf, QualityDeltas, UNLABELED } from './quality-key.js';
import { QualityRepository } from './quality.repository.js';

const REBUILD_PAGE = 5000;
const REBUILD_FLUSH_CELLS = 50_000;

/** One prediction's quality key change, from the label-change outbox (keys as stored: null is unlabeled). */
export interface QualityMove {
  prediction: RolledPrediction;
  before: string | null;
  after: string | null;
}

export interface QualityCheck {
  cells: number;
  mismatches: number;
  examples: { cell: QualityCellKey; live: number; expected: number }[];
}

/**
 * Keeps the quality cells equal to what the predictions' quality keys say: every new prediction is
 * added unlabeled in its ingest transaction, label changes move it in the slice rollup's transaction,
 * and rebuild / check recompute from the rows. The only writer of quality_cells.
 */
@Injectable()
export class QualityRollup implements OnModuleInit {
  constructor(
    private readonly cells: QualityRepository,
    private readonly models: ModelsService,
    private readonly predictions: PredictionsService,
  ) {}

  onModuleInit(): void {
    this.predictions.onStored((tx, stored) => this.stored(tx, stored));
  }

  /** Adds newly stored predictions to their unlabeled cells, in the ingest transaction: one upsert per distinct cell. */
  async stored(tx: Tx, stored: readonly StoredPrediction[]): Promise<void> {
    // Predictions of one hour, version, class and slice values fall in the same cells: expand each
    // such group once, with its count (a batch of 1,000 holds a few hundred groups).
    const groups = new Map<string, { p: StoredPrediction; n: number }>();
    for (const p of stored) {
      const id = [p.model, p.modelVersion, bucketOf(p.ts, 'hour'), p.predicted, ...Object.entries(p.slices).flat()].join(
        '\u0000',
      );
      const group = groups.get(id);
      if (group) group.n++;
      else groups.set(id, { p, n: 1 });
    }
    const deltas = new QualityDeltas();
    const crosses = new Map<string, [string, string][]>();
    for (const { p, n } of groups.values()) {
      if (!crosses.has(p.model)) crosses.set(p.model, await this.crossesOf(p.model));
      deltas.add(qualityCellsOf(p, UNLABELED, crosses.get(p.model)!), n);
    }
    await this.cells.addToCells(tx, deltas.changes());
  }

  /** Moves each prediction from its old key's cells to its new key's, in the caller's (rollup) transaction. */
  async applyMoves(tx: Tx, moves: readonly QualityMove[]): Promise<void> {
    const deltas = new QualityDeltas();
    for (const m of moves) {
      if (m.before === m.after) continue;
      deltas.move(m.prediction, decodeQualityKey(m.before), decodeQualityKey(m.after), await this.crossesOf(m.prediction.model));
    }
    await this.cells.addToCells(tx, deltas.changes());
  }

  /** Replaces the model's quality cells by a recomputation from the rows, in the caller's snapshot transaction. */
  async rebuild(tx: Tx, model: string): Promise<{ predictions: number; cells: number }> {
    await this.cells.deleteCells(tx, model);
    let cells = 0;
    const predictions = await this.recompute(tx, model, async (deltas) => {
      const changes = deltas.changes();
      cells += changes.length;
      await this.cells.addToCells(tx, changes);
      deltas.clear();
    });
    return { predictions, cells };
  }

  /** Compares the live quality cells with a recomputation from the rows, in the caller's snapshot. */
  async check(tx: Tx, model: string): Promise<QualityCheck> {
    const expected = new Map<string, { cell: QualityCellKey; n: number }>();
    await this.recompute(tx, model, async (deltas) => {
      for (const { cell, delta } of deltas.changes()) {
        const id = qualityCellId(cell);
        expected.set(id, { cell, n: (expected.get(id)?.n ?? 0) + delta });
      }
      deltas.clear();
    });
    const live = await this.cells.cellsOfModel(tx, model);
    const mismatches: QualityCheck['examples'] = [];
    for (const cell of live) {
      const id = qualityCellId(cell);
      const want = expected.get(id)?.n ?? 0;
      expected.delete(id);
      if (cell.n !== want) mismatches.push({ cell, live: cell.n, expected: want });
    }
    for (const { cell, n } of expected.values()) if (n !== 0) mismatches.push({ cell, live: 0, expected: n });
    return { cells: live.length, mismatches: mismatches.length, examples: mismatches.slice(0, 20) };
  }

  private async recompute(tx: Tx, model: string, flush: (deltas: QualityDeltas) => Promise<void>): Promise<number> {
    const crosses = await this.crossesOf(model);
    const deltas = new QualityDeltas();
    let count = 0;
    for (let after: string | null = null; ;) {
      const page = await this.cells.predictionsPage(tx, model, after, REBUILD_PAGE);
      for (const row of page) deltas.add(qualityCellsOf(row.prediction, decodeQualityKey(row.qualityKey), crosses), 1);
      count += page.length;
      if (deltas.size >= REBUILD_FLUSH_CELLS || page.length < REBUILD_PAGE) await flush(deltas);
      if (page.length < REBUILD_PAGE) return count;
      after = page[page.length - 1].id;
    }
  }

  private async crossesOf(model: string): Promise<[string, string][]> {
    return (await this.models.find(model))?.sliceCrosses ?? [];
  }
}
