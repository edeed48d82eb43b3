import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { chunks, placeholders } from '../database/sql.js';
import type { Tx } from '../database/tx.js';
import type { LabelSource } from '../models/model-settings.js';
import { effectiveLabel, type EffectiveLabel, sameEffective } from './effective-label.js';

export interface LabelWrite {
  model: string;
  predictionId: string;
  label: string;
  source: LabelSource;
  author: string;
  authorName: string;
  rule: Record<string, unknown> | null;
  eventIds: string[];
  final: boolean;
}

export interface EffectiveChange {
  model: string;
  predictionId: string;
  before: EffectiveLabel | null;
  after: EffectiveLabel | null;
}

/** Label rows, the effective label kept on predictions, and the outbox of its changes. */
@Injectable()
export class LabelsRepository {
  /** Inserts the label, or replaces the one with the same prediction, source and author. */
  async upsert(tx: Tx, write: LabelWrite, now: number): Promise<void> {
    await tx.run(
      `INSERT INTO labels (id, model, prediction_id, label, source, author, author_name, rule, event_ids, final, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (model, prediction_id, source, author) DO UPDATE SET
         label = excluded.label, author_name = excluded.author_name, rule = excluded.rule,
         event_ids = excluded.event_ids, final = excluded.final, updated_at = excluded.updated_at`,
      [
        randomUUID(),
        write.model,
        write.predictionId,
        write.label,
        write.source,
        write.author,
        write.authorName,
        write.rule ? JSON.stringify(write.rule) : null,
        JSON.stringify(write.eventIds),
        write.final ? 1 : 0,
        now,
        now,
      ],
    );
  }

  async deleteLabel(tx: Tx, model: string, predictionId: string, source: LabelSource, author: string): Promise<number> {
    return tx.run('DELETE FROM labels WHERE model = ? AND prediction_id = ? AND source = ? AND author = ?', [
      model,
      predictionId,
      source,
      author,
    ]);
  }

  /** The labels of one source for these predictions, by prediction id. */
  async bySource(tx: Tx, model: string, source: LabelSource, predictionIds: string[]) {
    const out = new Map<string, { label: string; rule: string | null; eventIds: string[]; final: boolean }>();
    for (const ids of chunks(predictionIds)) {
      const rows = await tx.all<{ prediction_id: string; label: string; rule: string | null; event_ids: string; final: number }>(
        `SELECT prediction_id, label, rule, event_ids, final FROM labels WHERE model = ? AND source = ? AND prediction_id IN (${placeholders(ids.length)})`,
        [model, source, ...ids],
      );
      for (const r of rows)
        out.set(r.prediction_id, {
          label: r.label,
          rule: r.rule,
          eventIds: JSON.parse(r.event_ids) as string[],
          final: r.final === 1,
        });
    }
    return out;
  }

  async markDirectFinal(tx: Tx, model: string, predictionIds: string[]): Promise<void> {
    for (const ids of chunks(predictionIds)) {
      await tx.run(
        `UPDATE labels SET final = 1 WHERE model = ? AND source = 'direct' AND prediction_id IN (${placeholders(ids.length)})`,
        [model, ...ids],
      );
    }
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
    // Sorted, and the predictions locked before their labels are read: two writers of one prediction's
    // labels (a join and a labeler) then take turns instead of both computing from the same "before".
    for (const ids of chunks([...new Set(predictionIds)].sort())) {
      const inList = placeholders(ids.length);
      const current = await tx.all<{ id: string; effective_label: string | null; effective_source: LabelSource | null }>(
        `SELECT id, effective_label, effective_source FROM predictions WHERE model = ? AND id IN (${inList}) ORDER BY id${tx.kind === 'postgres' ? ' FOR UPDATE' : ''}`,
        [model, ...ids],
      );
      const labels = await tx.all<{ prediction_id: string; label: string; source: LabelSource; updated_at: number }>(
        `SELECT prediction_id, label, source, updated_at FROM labels WHERE model = ? AND prediction_id IN (${inList})`,
        [model, ...ids],
      );
      const byPrediction = new Map<string, { label: string; source: LabelSource; updatedAt: number }[]>();
      for (const l of labels) {
        const list = byPrediction.get(l.prediction_id) ?? [];
        list.push({ label: l.label, source: l.source, updatedAt: Number(l.updated_at) });
        byPrediction.set(l.prediction_id, list);
      }
      for (const p of current) {
        const before =
          p.effective_label === null || p.effective_source === null
            ? null
            : { label: p.effective_label, source: p.effective_source };
        const after = effectiveLabel(byPrediction.get(p.id) ?? [], order);
        if (sameEffective(before, after)) continue;
        await tx.run(
          'UPDATE predictions SET effective_label = ?, effective_source = ?, labeled_at = ? WHERE model = ? AND id = ?',
          [after?.label ?? null, after?.source ?? null, after ? now : null, model, p.id],
        );
        await tx.run(
          'INSERT INTO label_changes (model, prediction_id, old_label, old_source, new_label, new_source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
          [model, p.id, before?.label ?? null, before?.source ?? null, after?.label ?? null, after?.source ?? null, now],
        );
        changes.push({ model, predictionId: p.id, before, after });
      }
    }
    return changes;
  }
}
