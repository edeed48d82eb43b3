import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { chunks, placeholders } from '../database/sql.js';
import type { Tx } from '../database/tx.js';
import type { LabelSource } from '../models/model-settings.js';
import type { EffectiveLabel } from './effective-label.js';


/** Labels per multi-row upsert on PostgreSQL (12 parameters each, well under its 65,535). */
const UPSERT_CHUNK = 1000;

function upsertSql(rows: number): string {
  const row = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
  return `INSERT INTO labels (id, model, prediction_id, label, source, author, author_name, rule, event_ids, final, created_at, updated_at)
       VALUES ${Array.from({ length: rows }, () => row).join(', ')}
       ON CONFLICT (model, prediction_id, source, author) DO UPDATE SET
         label = excluded.label, author_name = excluded.author_name, rule = excluded.rule,
         event_ids = excluded.event_ids, final = excluded.final, updated_at = excluded.updated_at`;
}

function labelValues(write: LabelWrite, now: number): unknown[] {
  return [
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
  ];
}

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
  /** The prediction's quality key before and after (src/quality/quality-key.ts); null before is unlabeled. */
  qualityBefore?: string | null;
  qualityAfter?: string | null;
}

const OUTBOX_ROWS = 100;

function outboxValues(change: EffectiveChange, now: number): unknown[] {
  const { model, predictionId, before, after } = change;
  return [
    model,
    predictionId,
    before?.label ?? null,
    before?.source ?? null,
    after?.label ?? null,
    after?.source ?? null,
    change.qualityBefore ?? null,
    change.qualityAfter ?? null,
    now,
  ];
}

/** Label rows and the outbox of effective-label changes. */
@Injectable()
export class LabelsRepository {
  /** Inserts the label, or replaces the one with the same prediction, source and author. */
  async upsert(tx: Tx, write: LabelWrite, now: number): Promise<void> {
    await tx.run(upsertSql(1), labelValues(write, now));
  }

  /**
   * upsert for writes whose keys (model, prediction, source, author) all differ. SQLite: one prepared
   * statement each; PostgreSQL: one multi-row statement per UPSERT_CHUNK (round trips, not rows, were
   * the label job's cost there).
   */
  async upsertMany(tx: Tx, writes: readonly LabelWrite[], now: number): Promise<void> {
    if (tx.kind === 'sqlite') {
      for (const write of writes) await this.upsert(tx, write, now);
      return;
    }
    for (let from = 0; from < writes.length; from += UPSERT_CHUNK) {
      const chunk = writes.slice(from, from + UPSERT_CHUNK);
      await tx.run(
        upsertSql(chunk.length),
        chunk.flatMap((write) => labelValues(write, now)),
      );
    }
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

  /** Removes the labels of one machine source (with no author) from these predictions. */
  async deleteSource(tx: Tx, model: string, source: LabelSource, predictionIds: string[]): Promise<number> {
    let n = 0;
    for (const ids of chunks(predictionIds)) {
      n += await tx.run(
        `DELETE FROM labels WHERE model = ? AND source = ? AND author = '' AND prediction_id IN (${placeholders(ids.length)})`,
        [model, source, ...ids],
      );
    }
    return n;
  }

  async markDirectFinal(tx: Tx, model: string, predictionIds: string[]): Promise<void> {
    for (const ids of chunks(predictionIds)) {
      await tx.run(
        `UPDATE labels SET final = 1 WHERE model = ? AND source = 'direct' AND prediction_id IN (${placeholders(ids.length)})`,
        [model, ...ids],
      );
    }
  }

  /** The labels of these predictions (at most one chunk of ids), for their effective label. */
  labelsOf(tx: Tx, model: string, predictionIds: string[]) {
    return tx.all<{ prediction_id: string; label: string; source: LabelSource; updated_at: number; rule: string | null }>(
      `SELECT prediction_id, label, source, updated_at, rule FROM labels WHERE model = ? AND prediction_id IN (${placeholders(predictionIds.length)})`,
      [model, ...predictionIds],
    );
  }

  /** Appends changes to the outbox in their order, a multi-row insert a chunk. */
  async appendChanges(tx: Tx, changes: readonly EffectiveChange[], now: number): Promise<void> {
    for (const chunk of chunks(changes, OUTBOX_ROWS)) {
      await tx.run(
        `INSERT INTO label_changes (model, prediction_id, old_label, old_source, new_label, new_source, old_quality, new_quality, created_at)
         VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        chunk.flatMap((change) => outboxValues(change, now)),
      );
    }
  }

  /** Appends a change of a prediction's effective label to the outbox. */
  async appendChange(tx: Tx, change: EffectiveChange, now: number): Promise<void> {
    const { model, predictionId, before, after } = change;
    await tx.run(
      `INSERT INTO label_changes (model, prediction_id, old_label, old_source, new_label, new_source, old_quality, new_quality, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        model,
        predictionId,
        before?.label ?? null,
        before?.source ?? null,
        after?.label ?? null,
        after?.source ?? null,
        change.qualityBefore ?? null,
        change.qualityAfter ?? null,
        now,
      ],
    );
  }
}
