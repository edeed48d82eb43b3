import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Tx } from '../database/tx.js';
import { PredictionsService, type StoredPrediction } from '../predictions/predictions.service.js';
import { bucketOf } from '../slices/window.js';
import { type FeedbackLabel, type FeedbackPrediction, FeedbackDeltas, feedbackCellsOf, NO_LABEL } from './feedback-cells.js';
import { ALL_VERSIONS, FeedbackCellsRepository, type ItemExposure } from './feedback-cells.repository.js';

/** One prediction's effective label change, from the label-change outbox (null: unlabeled). */
export interface FeedbackMove {
  prediction: FeedbackPrediction;
  before: FeedbackLabel | null;
  after: FeedbackLabel | null;
}

export interface FeedbackCheck {
  cells: number;
  mismatches: number;
  /** Exposure-count rows (per version and count) that differ from the rows. */
  exposureMismatches: number;
  examples: { cell: string; live: number; expected: number }[];
}

/**
 * Keeps the feedback cells and the item exposure tallies equal to what the predictions say: every new
 * prediction is added unlabeled (and its item's exposure counted) in its ingest transaction, label
 * changes move it in the slice rollup's transaction, and rebuild / check recompute from the rows.
 * The only writer of feedback_cells, item_exposures and exposure_counts.
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

  async stored(tx: Tx, stored: readonly StoredPrediction[]): Promise<void> {
    // A batch's predictions of one hour, version, class and exposure fall in the same cells.
    const groups = new Map<string, { p: FeedbackPrediction; n: number }>();
    const items = new Map<string, Map<string, ItemExposure>>();
    for (const s of stored) {
      const p = feedbackPredictionOf(s);
      const id = [p.model, p.modelVersion, bucketOf(p.ts, 'hour'), p.predicted, p.policy, p.missingPropensity].join('\u0000');
      const group = groups.get(id);
      if (group) group.n++;
      else groups.set(id, { p, n: 1 });
      if (s.itemId === null || s.shown === false) continue;
      const ofModel = items.get(s.model) ?? new Map<string, ItemExposure>();
      items.set(s.model, ofModel);
      for (const modelVersion of [s.modelVersion, ALL_VERSIONS]) {
        const key = `${modelVersion}\u0000${s.itemId}`;
        const item = ofModel.get(key);
        if (item) item.n++;
        else ofModel.set(key, { modelVersion, itemId: s.itemId, n: 1 });
      }
    }
    const deltas = new FeedbackDeltas();
    for (const { p, n } of groups.values()) deltas.add(feedbackCellsOf(p, NO_LABEL), n);
    await this.cells.addToCells(tx, deltas.changes());
    for (const [model, ofModel] of items) await this.cells.addExposures(tx, model, [...ofModel.values()]);
  }

  /** Moves each prediction from its old label's cells to its new label's, in the caller's (rollup) transaction. */
  async applyMoves(tx: Tx, moves: readonly FeedbackMove[]): Promise<void> {
    const deltas = new FeedbackDeltas();
    for (const m of moves) deltas.move(m.prediction, m.before ?? NO_LABEL, m.after ?? NO_LABEL);
    await this.cells.addToCells(tx, deltas.changes());
  }

  rebuild(tx: Tx, model: string): Promise<{ cells: number; items: number }> {
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
    const exposures = await this.cells.exposureCountsLiveAndExpected(tx, model);
    let exposureMismatches = 0;
    for (const id of new Set([...exposures.live.keys(), ...exposures.expected.keys()])) {
      if ((exposures.live.get(id) ?? 0) !== (exposures.expected.get(id) ?? 0)) exposureMismatches++;
    }
    return { cells: live.size, mismatches, exposureMismatches, examples: examples.slice(0, 20) };
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
