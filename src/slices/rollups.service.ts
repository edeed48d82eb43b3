import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/config.js';
import { isTransientFailure as isTransient } from '../database/dialect.js';
import { Db } from '../database/db.js';
import { errorMessage } from '../jobs/job-options.js';
import { StepSize } from '../common/step-size.js';
import type { Tx } from '../database/tx.js';
import {
  type FeedbackCheck,
  type FeedbackMove,
  FeedbackRollup,
  feedbackPredictionOf,
} from '../feedback/feedback-rollup.service.js';
import { LabelOutbox } from '../labels/label-outbox.repository.js';
import { ModelsService } from '../models/models.service.js';
import { readsLately } from '../ops/foreground.js';
import { type QualityCheck, type QualityMove, QualityRollup } from '../quality/quality-rollup.service.js';
import { CellDeltas, type CellKey, cellId } from './cells.js';
import { SlicesRepository } from './slices.repository.js';
import { backgroundTurn } from '../jobs/background-turns.js';

/**
 * Outbox rows applied per transaction at most: small enough that one transaction holds the SQLite
 * writer briefly. On SQLite, while reads come in, applyPending sizes its chunks to
 * JOB_STEP_BUDGET_MS below this.
 */
export const ROLLUP_CHUNK = 500;
const MIN_CHUNK = 50;
const REBUILD_PAGE = 5000;
const REBUILD_FLUSH_CELLS = 50_000;

export interface RebuildResult {
  model: string;
  predictions: number;
  cells: number;
  /** Pending outbox rows that the rebuild counted from the rows and marked processed. */
  absorbed: number;
  /** Quality cells written (every prediction, labeled or not, is in them). */
  qualityCells: number;
  /** Feedback cells written (every prediction is in them too). */
  feedbackCells: number;
}

export interface CellMismatch {
  cell: CellKey;
  live: number;
  expected: number;
}

export interface CheckResult {
  model: string;
  /** Outbox rows not applied yet: while there are any, live cells lag behind the rows. */
  pending: number;
  cells: number;
  mismatches: number;
  /** The first mismatches, for a message. */
  examples: CellMismatch[];
  /** The label-quality cells, compared the same way. */
  quality: QualityCheck;
  /** The feedback report's cells, compared the same way. */
  feedback: FeedbackCheck;
}

/**
 * Keeps the slice cells equal to what the predictions and their effective labels say: incrementally
 * from the label-change outbox, or recomputed from the rows.
 */
@Injectable()
export class SliceRollups {
  private readonly logger = new Logger(SliceRollups.name);
  private readonly chunk: StepSize;

  constructor(
    private readonly config: AppConfig,
    private readonly db: Db,
    private readonly cells: SlicesRepository,
    private readonly models: ModelsService,
    private readonly outbox: LabelOutbox,
    private readonly quality: QualityRollup,
    private readonly feedback: FeedbackRollup,
  ) {
    // PostgreSQL's transactions do not block this thread: its chunks stay at ROLLUP_CHUNK.
    this.chunk = new StepSize(db.kind === 'sqlite' ? config.JOB_STEP_BUDGET_MS : 0, MIN_CHUNK, ROLLUP_CHUNK);
  }

  /**
   * Applies up to `limit` pending outbox rows, oldest first: moves each prediction from its old
   * cell to its new one and marks the rows processed, in one transaction. Returns how many it applied
   * (or set aside). When the chunk fails for a reason other than the database being unavailable, the
   * rows are tried one by one so that the failing one is found: each failure is counted on the row,
   * and at OUTBOX_MAX_ATTEMPTS it is dead-lettered and the others go on without it.
   */
  async applyChunk(limit = ROLLUP_CHUNK, now = Date.now()): Promise<number> {
    try {
      return await this.applyInOneTx(limit, now);
    } catch (error) {
      if (isTransient(error)) throw error;
      return this.applyOneByOne(limit, now);
    }
  }

  private async applyOneByOne(limit: number, now: number): Promise<number> {
    let applied = 0;
    while (applied < limit) {
      const seq = await this.outbox.oldestPendingSeq();
      if (seq === null) return applied;
      try {
        const n = await this.applyInOneTx(1, now);
        if (n === 0) return applied;
        applied += n;
      } catch (error) {
        if (isTransient(error)) throw error;
        const dead = await this.outbox.recordFailure(seq, errorMessage(error), this.config.OUTBOX_MAX_ATTEMPTS, now);
        this.logger.warn({ seq, dead, err: error }, dead ? 'label change dead-lettered' : 'label change failed to apply');
        // Not dead yet: tried again on a later run, so a passing fault is not counted several times at once.
        if (!dead) return applied;
        applied += 1;
      }
    }
    return applied;
  }

  private async applyInOneTx(limit: number, now: number): Promise<number> {
    let started = 0;
    const applied = await this.db.tx(async (tx) => {
      // From BEGIN to after COMMIT (the wait for the writer is not the chunk's cost), for applyPending's sizes.
      started = performance.now();
      await this.cells.lockCells(tx);
      // Changes after a prediction's dead letter would move it out of a cell it never entered.
      await this.outbox.setAsideQuarantined(tx, now);
      const changes = await this.cells.pendingChanges(tx, limit);
      if (changes.length === 0) return 0;
      const deltas = new CellDeltas();
      const moves: QualityMove[] = [];
      const feedbackMoves: FeedbackMove[] = [];
      for (const change of changes) {
        if (!change.prediction) continue;
        deltas.move(change.prediction, change.before, change.after, await this.crossesOf(change.model));
        if (change.qualityTracked)
          moves.push({ prediction: change.prediction, before: change.qualityBefore, after: change.qualityAfter });
        feedbackMoves.push({ prediction: feedbackPredictionOf(change.prediction), before: change.before, after: change.after });
      }
      await this.cells.addToCells(tx, deltas.changes());
      await this.quality.applyMoves(tx, moves);
      await this.feedback.applyMoves(tx, feedbackMoves);
      await this.outbox.markProcessed(
        tx,
        changes.map((c) => c.seq),
        now,
      );
      return changes.length;
    });
    this.chunk.record(applied, performance.now() - started);
    return applied;
  }

  /** Applies pending rows chunk by chunk until none are left; returns how many. */
  async applyPending(): Promise<number> {
    let total = 0;
    for (;;) {
      const limit = this.chunk.next(readsLately());
      const n = await this.applyChunk(limit);
      total += n;
      if (n < limit) return total;
      // Lets requests in between chunks: on SQLite each chunk runs synchronously.
      await backgroundTurn();
    }
  }

  /** Outbox rows not applied yet (of one model, or of all). */
  pending(model?: string): Promise<number> {
    return this.outbox.countPending(model);
  }

  /**
   * Recomputes every cell of the model (or of every model) from the predictions and their effective
   * labels, replacing the cells, and marks the pending outbox rows processed as it counts them.
   * One transaction per model; on SQLite it holds the writer for its duration.
   */
  async rebuild(model?: string, now = Date.now()): Promise<RebuildResult[]> {
    const names = model === undefined ? (await this.models.list()).map((m) => m.name) : [(await this.models.require(model)).name];
    const results: RebuildResult[] = [];
    for (const name of names) {
      results.push(
        await this.inSnapshot(async (tx) => {
          const absorbed = await this.outbox.markAllProcessed(tx, name, now);
          await this.cells.deleteCells(tx, name);
          let cells = 0;
          const predictions = await this.recompute(tx, name, async (deltas) => {
            const changes = deltas.changes();
            cells += changes.length;
            await this.cells.addToCells(tx, changes);
            deltas.clear();
          });
          const quality = await this.quality.rebuild(tx, name);
          const feedback = await this.feedback.rebuild(tx, name);
          return { model: name, predictions, cells, absorbed, qualityCells: quality.cells, feedbackCells: feedback };
        }),
      );
    }
    return results;
  }

  /** Compares the live cells of a model with a recomputation from the rows, in one snapshot. */
  async check(model: string): Promise<CheckResult> {
    await this.models.require(model);
    return this.inSnapshot(async (tx) => {
      const pending = await this.outbox.countPending(model, tx);
      const expected = new Map<string, { cell: CellKey; n: number }>();
      await this.recompute(tx, model, async (deltas) => {
        for (const { cell, delta } of deltas.changes()) {
          const id = cellId(cell);
          expected.set(id, { cell, n: (expected.get(id)?.n ?? 0) + delta });
        }
        deltas.clear();
      });
      const live = await this.cells.cellsOfModel(tx, model);
      const mismatches: CellMismatch[] = [];
      for (const cell of live) {
        const id = cellId(cell);
        const want = expected.get(id)?.n ?? 0;
        expected.delete(id);
        if (cell.n !== want) mismatches.push({ cell, live: cell.n, expected: want });
      }
      for (const { cell, n } of expected.values()) if (n !== 0) mismatches.push({ cell, live: 0, expected: n });
      const quality = await this.quality.check(tx, model);
      const feedback = await this.feedback.check(tx, model);
      return {
        model,
        pending,
        cells: live.length,
        mismatches: mismatches.length,
        examples: mismatches.slice(0, 20),
        quality,
        feedback,
      };
    });
  }

  /** Feeds the cells of every labeled prediction of the model to flush, in batches; returns the prediction count. */
  private async recompute(tx: Tx, model: string, flush: (deltas: CellDeltas) => Promise<void>): Promise<number> {
    const crosses = await this.crossesOf(model);
    const deltas = new CellDeltas();
    let count = 0;
    for (let after: string | null = null; ;) {
      const page = await this.cells.labeledPredictions(tx, model, after, REBUILD_PAGE);
      for (const row of page) deltas.move(row.prediction, null, row.label, crosses);
      count += page.length;
      if (deltas.size >= REBUILD_FLUSH_CELLS || page.length < REBUILD_PAGE) await flush(deltas);
      if (page.length < REBUILD_PAGE) return count;
      after = page[page.length - 1].id;
    }
  }

  /**
   * A transaction that sees one snapshot of the rows and holds the cell lock. On PostgreSQL the
   * snapshot is taken before the lock is granted, so a rollup that commits in between makes the
   * transaction fail to serialise; it is then retried.
   */
  private inSnapshot<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.snapshot(
      async (tx) => {
        await this.cells.lockCells(tx);
        return fn(tx);
      },
      { write: true },
    );
  }

  private async crossesOf(model: string): Promise<[string, string][]> {
    return (await this.models.find(model))?.sliceCrosses ?? [];
  }
}
