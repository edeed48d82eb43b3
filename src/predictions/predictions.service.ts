import { Injectable } from '@nestjs/common';
import { badRequest, conflict, type ErrorDetail, notFound } from '../common/api-error.js';
import type { ModelEntity } from '../models/model.entity.js';
import type { Tx } from '../database/tx.js';
import type { EffectiveLabel } from '../labels/effective-label.js';
import { toLabelDto } from '../labels/labels.dto.js';
import { ModelsService } from '../models/models.service.js';
import { MetricsService } from '../ops/metrics.service.js';
import { toPredictionDto } from './predictions.dto.js';
import { compileModels, type PredictionRow, rowsOf, validatePrediction } from './prediction-rows.js';
import {
  type LabelStateChange,
  type PredictionKey,
  PredictionsRepository,
  type StoredPrediction,
} from './predictions.repository.js';

export type { StoredPrediction };

/** What another module adds to the ingest transaction for the predictions it stored (the quality tallies). */
export type StoredListener = (tx: Tx, stored: StoredPrediction[]) => Promise<void>;

/**
 * What the events module does when predictions arrive (it registers itself, so predictions does not
 * depend on events): join their early events in the storing transaction, and run the join after commit.
 */
export interface ArrivalListener {
  stored(tx: Tx, predictions: PredictionKey[]): Promise<void>;
  committed(): Promise<unknown>;
}

@Injectable()
export class PredictionsService {
  private readonly ingested;
  private readonly duplicates;
  private readonly arrivals: ArrivalListener[] = [];
  private readonly storedListeners: StoredListener[] = [];

  constructor(
    private readonly repository: PredictionsRepository,
    private readonly models: ModelsService,
    metrics: MetricsService,
  ) {
    this.ingested = metrics.counter('relabel_predictions_ingested_total', 'Predictions stored', ['model']);
    this.duplicates = metrics.counter('relabel_predictions_duplicate_total', 'Identical re-sends of stored predictions');
  }

  /** What runs in the ingest transaction with what it stored: one function, so that concurrent ingests can share a commit. */
  private readonly inIngestTx = async (tx: Tx, stored: StoredPrediction[]): Promise<void> => {
    for (const listener of this.storedListeners) await listener(tx, stored);
    for (const listener of this.arrivals) await listener.stored(tx, stored);
  };

  /** Validates and stores one prediction or a batch, all or nothing. */
  async ingest(body: unknown, traceId: string | null): Promise<{ accepted: number; duplicates: number }> {
    const { rows: raw, problem } = rowsOf(body);
    if (problem)
      throw badRequest(problem.field === 'predictions' && raw.length === 0 ? 'invalid_batch' : 'invalid_body', [problem]);
    const now = Date.now();
    const models = compileModels(await this.modelsNamedIn(raw));
    const errors: ErrorDetail[] = [];
    const rows: PredictionRow[] = [];
    for (let i = 0; i < raw.length; i++) {
      const row = validatePrediction(raw[i], i, { models, now, traceId }, errors);
      if (row) rows.push(row);
    }
    if (errors.length > 0) {
      const badRows = new Set(errors.map((e) => e.index)).size;
      throw badRequest(`invalid_predictions: ${badRows} of ${raw.length} rows are invalid; nothing was stored`, errors);
    }
    const outcome = await this.repository.insertBatch(rows, now, this.inIngestTx);
    if (outcome.conflicts.length > 0) {
      throw conflict('prediction_id_conflict: these ids are stored with different content; nothing was stored', {
        ids: outcome.conflicts,
      });
    }
    for (const [model, n] of outcome.acceptedByModel) this.ingested.inc({ model }, n);
    // Events may have arrived before these predictions: let the join pick them up now, not at the next tick.
    if (outcome.accepted > 0 && [...models.values()].some((m) => m.rules.rules.length > 0)) {
      for (const listener of this.arrivals) await listener.committed();
    }
    if (outcome.duplicates > 0) this.duplicates.inc(outcome.duplicates);
    return { accepted: outcome.accepted, duplicates: outcome.duplicates };
  }

  /** A prediction with its events, all its labels and the effective one. */
  async findOne(model: string, id: string) {
    await this.models.require(model);
    const prediction = await this.repository.findOne(model, id);
    if (!prediction) throw notFound('prediction_not_found');
    const [events, labels] = await Promise.all([this.repository.eventsOf(model, id), this.repository.labelsOf(model, id)]);
    return toPredictionDto(prediction, {
      events: events.map((e) => ({
        id: e.id,
        type: e.type,
        timestamp: new Date(Number(e.ts)).toISOString(),
        value: e.value,
        attributes: e.attributes ? (JSON.parse(e.attributes) as unknown) : null,
        state: e.state,
        receivedAt: new Date(Number(e.received_at)).toISOString(),
      })),
      labels: labels.map(toLabelDto),
      effectiveLabel: prediction.effectiveLabel
        ? { label: prediction.effectiveLabel, source: prediction.effectiveSource ?? '' }
        : null,
    });
  }

  /** Registers what runs when predictions are stored. */
  onArrival(listener: ArrivalListener): void {
    this.arrivals.push(listener);
  }

  /** Registers what runs in the ingest transaction with the stored predictions, before the arrival listeners. */
  onStored(listener: StoredListener): void {
    this.storedListeners.push(listener);
  }

  /** The stored prediction, or null. */
  find(model: string, id: string) {
    return this.repository.findOne(model, id);
  }

  // The writes other modules make to a prediction, each in the caller's transaction.

  /** Locks the prediction for a label write; its timestamp, or undefined when it is not stored. */
  lockForLabel(tx: Tx, model: string, id: string) {
    return this.repository.lockOne(tx, model, id);
  }

  /** The stored effective labels of these predictions, locked, in id order. */
  lockEffective(tx: Tx, model: string, ids: string[]) {
    return this.repository.lockEffective(tx, model, ids);
  }

  effectiveOf(tx: Tx, model: string, id: string) {
    return this.repository.effectiveOf(tx, model, id);
  }

  setEffective(tx: Tx, model: string, id: string, effective: EffectiveLabel | null, now: number) {
    return this.repository.setEffective(tx, model, id, effective, now);
  }

  /** The effective label and / or quality key a label refresh changed, in one write. */
  setLabelState(
    tx: Tx,
    model: string,
    id: string,
    change: { effective?: EffectiveLabel | null; qualityKey?: string },
    now: number,
  ) {
    return this.repository.setLabelState(tx, model, id, change, now);
  }

  /** setLabelState for many predictions of one model, batched on PostgreSQL. */
  setLabelStates(tx: Tx, model: string, changes: readonly LabelStateChange[], now: number) {
    return this.repository.setLabelStates(tx, model, changes, now);
  }

  setQualityKey(tx: Tx, model: string, id: string, qualityKey: string) {
    return this.repository.setQualityKey(tx, model, id, qualityKey);
  }

  /** Predictions whose implicit-label (or final-label) time has come, taken: their due time is cleared. */
  takeDue(tx: Tx, due: 'implicit' | 'final', now: number, limit: number) {
    return this.repository.takeDue(tx, due === 'implicit' ? 'implicit_at' : 'final_at', now, limit);
  }

  private async modelsNamedIn(rows: unknown[]): Promise<ModelEntity[]> {
    const names = new Set<string>();
    for (const row of rows) {
      const name = (row as { model?: unknown } | null)?.model;
      if (typeof name === 'string') names.add(name);
    }
    return [...(await this.models.findMany(names)).values()];
  }
}
