import { Injectable } from '@nestjs/common';
import { Db } from '../database/db.js';

export interface EffectiveLabelChange {
  seq: number;
  oldLabel: string | null;
  oldSource: string | null;
  newLabel: string | null;
  newSource: string | null;
  at: number;
}

/** Reads of one prediction's label history, for its page (the outbox's writes stay in LabelsRepository). */
@Injectable()
export class LabelHistoryRepository {
  constructor(private readonly db: Db) {}

  /** Every change of the prediction's effective label, oldest first. */
  async changesOf(model: string, predictionId: string): Promise<EffectiveLabelChange[]> {
    const rows = await this.db.query<{
      seq: number;
      old_label: string | null;
      old_source: string | null;
      new_label: string | null;
      new_source: string | null;
      created_at: number | string;
    }>(
      `SELECT seq, old_label, old_source, new_label, new_source, created_at FROM label_changes
       WHERE model = ? AND prediction_id = ? ORDER BY seq`,
      [model, predictionId],
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      oldLabel: r.old_label,
      oldSource: r.old_source,
      newLabel: r.new_label,
      newSource: r.new_source,
      at: Number(r.created_at),
    }));
  }
}
