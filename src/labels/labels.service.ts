import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/roles.decorator.js';
import { badRequest, notFound } from '../common/api-error.js';
import { Db } from '../database/db.js';
import { type Tx, withTx } from '../database/tx.js';
import type { ModelEntity } from '../models/model.entity.js';
import { ModelsService } from '../models/models.service.js';
import type { EffectiveLabel } from './effective-label.js';
import { LabelMetrics } from './label-metrics.js';
import { type EffectiveChange, LabelsRepository } from './labels.repository.js';

export interface HumanLabel {
  model: string;
  predictionId: string;
  label: string;
  /** audit labels come from the random audit sample of the labeling queue. */
  source: 'manual' | 'audit';
}

/** What a human label did, inside the caller's transaction; pass it to `recorded` after commit. */
export interface HumanLabelOutcome {
  source: 'manual' | 'audit';
  predictionTs: number;
  changes: EffectiveChange[];
  effectiveLabel: EffectiveLabel | null;
}

/**
 * Labels given by people. The labeling queue writes through here too, inside its own transaction
 * (`labelIn`, `withdrawIn`), so a task and its label are stored together or not at all.
 */
@Injectable()
export class LabelsService {
  constructor(
    private readonly db: Db,
    private readonly labels: LabelsRepository,
    private readonly models: ModelsService,
    private readonly metrics: LabelMetrics,
  ) {}

  /** Stores (or replaces) the labeler's label of a prediction; returns the prediction's effective label. */
  async label(input: HumanLabel, labeler: Principal) {
    const model = await this.models.require(input.model);
    this.checkClass(model, input.label);
    const outcome = await withTx(this.db, (tx) => this.labelIn(tx, model, input, labeler, Date.now()));
    this.recorded(outcome);
    return { model: model.name, predictionId: input.predictionId, effectiveLabel: outcome.effectiveLabel };
  }

  /** 400 unless the label is one of the model's classes. */
  checkClass(model: ModelEntity, label: string): void {
    if (!model.classes.includes(label)) {
      throw badRequest('invalid_label', [
        { field: 'label', message: `"${label}" is not one of the model's classes (${model.classes.join(', ')})` },
      ]);
    }
  }

  /** The label write itself, in the caller's transaction. */
  async labelIn(tx: Tx, model: ModelEntity, input: HumanLabel, labeler: Principal, now: number): Promise<HumanLabelOutcome> {
    const prediction = await tx.get<{ ts: number }>(
      `SELECT ts FROM predictions WHERE model = ? AND id = ?${this.db.kind === 'postgres' ? ' FOR UPDATE' : ''}`,
      [model.name, input.predictionId],
    );
    if (!prediction) throw notFound('prediction_not_found');
    await this.labels.upsert(
      tx,
      {
        model: model.name,
        predictionId: input.predictionId,
        label: input.label,
        source: input.source,
        author: labeler.tokenId,
        authorName: labeler.name,
        rule: null,
        eventIds: [],
        final: true,
      },
      now,
    );
    const changes = await this.labels.refreshEffective(
      tx,
      model.name,
      [input.predictionId],
      model.settings.labelSourceOrder,
      now,
    );
    return {
      source: input.source,
      predictionTs: Number(prediction.ts),
      changes,
      effectiveLabel: await this.effectiveIn(tx, model.name, input.predictionId),
    };
  }

  /** Withdraws the labeler's own label (undo in the labeling queue); true when there was one. */
  async withdraw(modelName: string, predictionId: string, source: 'manual' | 'audit', labeler: Principal): Promise<boolean> {
    const model = await this.models.require(modelName);
    const changes = await withTx(this.db, (tx) => this.withdrawIn(tx, model, predictionId, source, labeler, Date.now()));
    this.metrics.observeChanges(changes ?? []);
    return changes !== null;
  }

  /** The withdrawal in the caller's transaction: the effective-label changes, or null when there was no label. */
  async withdrawIn(
    tx: Tx,
    model: ModelEntity,
    predictionId: string,
    source: 'manual' | 'audit',
    labeler: Principal,
    now: number,
  ) {
    const removed = await this.labels.deleteLabel(tx, model.name, predictionId, source, labeler.tokenId);
    if (removed === 0) return null;
    return this.labels.refreshEffective(tx, model.name, [predictionId], model.settings.labelSourceOrder, now);
  }

  /** Metrics of a committed human label. */
  recorded(outcome: HumanLabelOutcome): void {
    this.metrics.written.inc({ source: outcome.source });
    this.metrics.observeJoinLag(outcome.source, Date.now() - outcome.predictionTs);
    this.metrics.observeChanges(outcome.changes);
  }

  private async effectiveIn(tx: Tx, model: string, predictionId: string): Promise<EffectiveLabel | null> {
    const row = await tx.get<{ effective_label: string | null; effective_source: EffectiveLabel['source'] | null }>(
      'SELECT effective_label, effective_source FROM predictions WHERE model = ? AND id = ?',
      [model, predictionId],
    );
    return row?.effective_label && row.effective_source ? { label: row.effective_label, source: row.effective_source } : null;
  }
}
