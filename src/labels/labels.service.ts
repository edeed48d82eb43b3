import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/roles.decorator.js';
import { badRequest, notFound } from '../common/api-error.js';
import { Db } from '../database/db.js';
import { chunks } from '../database/sql.js';
import type { Tx } from '../database/tx.js';
import type { LabelSource } from '../models/model-settings.js';
import type { ModelEntity } from '../models/model.entity.js';
import { ModelsService } from '../models/models.service.js';
import type { LabelStateChange } from '../predictions/predictions.repository.js';
import { PredictionsService } from '../predictions/predictions.service.js';
import { encodeQualityKey, qualityKeyOf, type QualityLabel, UNLABELED } from '../quality/quality-key.js';
import { effectiveLabel, type EffectiveLabel, sameEffective } from './effective-label.js';
import { LabelMetrics } from './label-metrics.js';
import { type EffectiveChange, LabelsRepository, type LabelWrite } from './labels.repository.js';

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
    private readonly predictions: PredictionsService,
  ) {}

  /** Stores (or replaces) the labeler's label of a prediction; returns the prediction's effective label. */
  async label(input: HumanLabel, labeler: Principal) {
    const model = await this.models.require(input.model);
    this.checkClass(model, input.label);
    const outcome = await this.db.tx((tx) => this.labelIn(tx, model, input, labeler, Date.now()));
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
    const prediction = await this.predictions.lockForLabel(tx, model.name, input.predictionId);
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
    const changes = await this.refreshEffective(tx, model.name, [input.predictionId], model.settings.labelSourceOrder, now);
    return {
      source: input.source,
      predictionTs: Number(prediction.ts),
      changes,
      effectiveLabel: await this.predictions.effectiveOf(tx, model.name, input.predictionId),
    };
  }

  /** Withdraws the labeler's own label (undo in the labeling queue); true when there was one. */
  async withdraw(modelName: string, predictionId: string, source: 'manual' | 'audit', labeler: Principal): Promise<boolean> {
    const model = await this.models.require(modelName);
    const changes = await this.db.tx((tx) => this.withdrawIn(tx, model, predictionId, source, labeler, Date.now()));
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
    return this.refreshEffective(tx, model.name, [predictionId], model.settings.labelSourceOrder, now);
  }

  /** Metrics of a committed human label. */
  recorded(outcome: HumanLabelOutcome): void {
    this.metrics.written.inc({ source: outcome.source });
    this.metrics.observeJoinLag(outcome.source, Date.now() - outcome.predictionTs);
    this.metrics.observeChanges(outcome.changes);
  }

  /**
   * Recomputes the effective label of these predictions from their labels; where it changed,
   * stores it on the prediction and appends one row to the outbox, in the caller's transaction.
   */
  async refreshEffective(
    tx: Tx,
    model: string,
    predictionIds: string[],
    order: readonly LabelSource[],
    now: number,
  ): Promise<EffectiveChange[]> {
    const changes: EffectiveChange[] = [];
    const outbox: EffectiveChange[] = [];
    // Sorted, and the predictions locked before their labels are read: two writers of one prediction's
    // labels (a join and a labeler) then take turns instead of both computing from the same "before".
    for (const ids of chunks([...new Set(predictionIds)].sort())) {
      const current = await this.predictions.lockEffective(tx, model, ids);
      const states: LabelStateChange[] = [];
      const byPrediction = new Map<string, QualityLabel[]>();
      for (const l of await this.labels.labelsOf(tx, model, ids)) {
        const list = byPrediction.get(l.prediction_id) ?? [];
        list.push({ label: l.label, source: l.source, updatedAt: Number(l.updated_at), rule: l.rule });
        byPrediction.set(l.prediction_id, list);
      }
      for (const p of current) {
        const before =
          p.effective_label === null || p.effective_source === null
            ? null
            : { label: p.effective_label, source: p.effective_source };
        const labels = byPrediction.get(p.id) ?? [];
        const after = effectiveLabel(labels, order);
        const qualityBefore = p.quality_key ?? encodeQualityKey(UNLABELED);
        const qualityAfter = encodeQualityKey(qualityKeyOf(labels, order));
        const effectiveChanged = !sameEffective(before, after);
        if (!effectiveChanged && qualityBefore === qualityAfter) continue;
        const change = { model, predictionId: p.id, before, after, qualityBefore, qualityAfter };
        states.push({
          id: p.id,
          ...(effectiveChanged ? { effective: after } : {}),
          ...(qualityBefore !== qualityAfter ? { qualityKey: qualityAfter } : {}),
        });
        outbox.push(change);
        if (effectiveChanged) changes.push(change);
      }
      await this.predictions.setLabelStates(tx, model, states, now);
    }
    await this.labels.appendChanges(tx, outbox, now);
    return changes;
  }

  // The label join's writes (events module), in its transaction.

  bySource(tx: Tx, model: string, source: LabelSource, predictionIds: string[]) {
    return this.labels.bySource(tx, model, source, predictionIds);
  }

  upsert(tx: Tx, write: LabelWrite, now: number) {
    return this.labels.upsert(tx, write, now);
  }

  /** upsert for labels of distinct predictions, in few statements on PostgreSQL. */
  upsertMany(tx: Tx, writes: readonly LabelWrite[], now: number) {
    return this.labels.upsertMany(tx, writes, now);
  }

  markDirectFinal(tx: Tx, model: string, predictionIds: string[]) {
    return this.labels.markDirectFinal(tx, model, predictionIds);
  }

  // The label model's writes (weak module), in its transaction.

  /** Removes weak labels whose predictions lost their votes; call refreshEffective after. */
  removeSourceIn(tx: Tx, model: string, source: 'weak', predictionIds: string[]) {
    return this.labels.deleteSource(tx, model, source, predictionIds);
  }
}
