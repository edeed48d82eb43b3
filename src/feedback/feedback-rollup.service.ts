import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Tx } from '../database/tx.js';
import { PredictionsService, type StoredPrediction } from '../predictions/predictions.service.js';
import { bucketOf } from '../slices/window.js';
import { type FeedbackLabel, type FeedbackPrediction, FeedbackDeltas, feedbackCellsOf, NO_LABEL } from './feedback-cells.js';
import { FeedbackCellsRepository } from './feedback-cells.repository.js';

/** One prediction's effective label change, from the label-change outbox (null: unlabeled). */
export interface FeedbackMove {
  prediction: FeedbackPrediction;
  before: FeedbackLabel | null;
  after: FeedbackLabel | null;
}

export interface FeedbackCheck {
  cells: number;
  mismatches: number;
  examples: { cell: string; live: number; expected: number }[];
}

/**
 * Keeps the feedback cells equal to what the predictions say: every new prediction is added
 * unlabeled in its ingest transaction, label changes move it in the slice rollup's transaction, and
 * rebuild / check recompute from the rows. The only writer of feedback_cells.
 */
@Injectable()
export class FeedbackRollup implements OnModuleInit {
  constructor(
    private readonly cells: FeedbackCellsRepository,
    private readonly predictions: PredictionsService,
  ) {}

  onModuleInit(): void {
    this.predictions.onStored((tx, stored) => this.stored(tx, stored));
  }

  /** Adds newly stored predictions to their unlabeled cells: one upsert per distinct cell. */
  async stored(tx: Tx, stored: readonly StoredPrediction[]): Promise<void> {
    // A batch's predictions of one hour, version, class and exposure fall in the same cells.
    const groups = new Map<string, { p: FeedbackPrediction; n: number }>();
    for (const s of stored) {
      const p = feedbackPredictionOf(s);
      const id = [p.model, p.modelVersion, bucketOf(p.ts, 'hour'), p.predicted, p.policy, p.missingPropensity].join('\u0000');
      const group = groups.get(id);
      if (group) group.n++;
      else groups.set(id, { p, n: 1 });
    }
    const deltas = new FeedbackDeltas();
    for (const { p, n } of groups.values()) deltas.add(feedbackCellsOf(p, NO_LABEL), n);
    await this.cells.addToCells(tx, deltas.changes());
  }

  /** Moves each prediction from its old label's cells to its new label's, in the caller's (rollup) transaction. */
  async applyMoves(tx: Tx, moves: readonly FeedbackMove[]): Promise<void> {
    const deltas = new FeedbackDeltas();
    for (const m of moves) deltas.move(m.prediction, m.before ?? NO_LABEL, m.after ?? NO_LABEL);
    await this.cells.addToCells(tx, deltas.changes());
  }

  rebuild(tx: Tx, model: string): Promise<number> {
    return this.cells.rebuild(tx, model);
  }

  /** Compares the live tallies with a recomputation from the rows, in the caller's snapshot. */
  async check(tx: Tx, model: string): Promise<FeedbackCheck> {
    const { live, expected } = await this.cells.cellsLiveAndExpected(tx, model);
    const examples: FeedbackCheck['examples'] = [];
    let mismatches = 0;
    for (const [cell, want] of expected) {
      const have = live.get(cell) ?? 0;
      if (have !== want) {
        mismatches++;
        examples.push({ cell, live: have, expected: want });
      }
    }
    for (const [cell, have] of live) {
      if (!expected.has(cell)) {
        mismatches++;
        examples.push({ cell, live: have, expected: 0 });
      }
    }
    return { cells: live.size, mismatches, examples: examples.slice(0, 20) };
  }
}

export function feedbackPredictionOf(p: {
  model: string;
  modelVersion: string;
  ts: number;
  predicted: string;
  exposurePolicy: string | null;
  propensity: number | null;
}): FeedbackPrediction {
  return {
    model: p.model,
    modelVersion: p.modelVersion,
    ts: p.ts,
    predicted: p.predicted,
    policy: p.exposurePolicy ?? '',
    missingPropensity: p.propensity === null,
  };
}
