import { Injectable } from '@nestjs/common';
import { badRequest, notFound } from '../common/api-error.js';
import { Db } from '../database/db.js';
import { withTx } from '../database/tx.js';
import { ModelsService } from '../models/models.service.js';
import type { Principal } from '../auth/roles.decorator.js';
import { LabelMetrics } from './label-metrics.js';
import { LabelsRepository } from './labels.repository.js';

export interface HumanLabel {
  model: string;
  predictionId: string;
  label: string;
  /** audit labels come from the random audit sample of the labeling queue. */
  source: 'manual' | 'audit';
}

/** Labels given by people. The labeling queue writes through here too. */
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
    if (!model.classes.includes(input.label)) {
      throw badRequest('invalid_label', [
        { field: 'label', message: `"${input.label}" is not one of the model's classes (${model.classes.join(', ')})` },
      ]);
    }
    const now = Date.now();
    const result = await withTx(this.db, async (tx) => {
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
      return { prediction, changes };
    });
    this.metrics.written.inc({ source: input.source });
    this.metrics.observeJoinLag(input.source, now - Number(result.prediction.ts));
    this.metrics.observeChanges(result.changes);
    return this.effectiveOf(model.name, input.predictionId);
  }

  /** Withdraws the labeler's own label (undo in the labeling queue). */
  async withdraw(model: string, predictionId: string, source: 'manual' | 'audit', labeler: Principal): Promise<boolean> {
    const definition = await this.models.require(model);
    const now = Date.now();
    const { removed, changes } = await withTx(this.db, async (tx) => {
      const removed = await this.labels.deleteLabel(tx, model, predictionId, source, labeler.tokenId);
      const changes =
        removed > 0
          ? await this.labels.refreshEffective(tx, model, [predictionId], definition.settings.labelSourceOrder, now)
          : [];
      return { removed, changes };
    });
    this.metrics.observeChanges(changes);
    return removed > 0;
  }

  private async effectiveOf(model: string, predictionId: string) {
    const p = this.db.param.bind(this.db);
    const [row] = await this.db.query<{ effective_label: string | null; effective_source: string | null }>(
      `SELECT effective_label, effective_source FROM predictions WHERE model = ${p(1)} AND id = ${p(2)}`,
      [model, predictionId],
    );
    return {
      model,
      predictionId,
      effectiveLabel: row?.effective_label ? { label: row.effective_label, source: row.effective_source } : null,
    };
  }
}
