import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/roles.decorator.js';
import { Db } from '../database/db.js';
import { chunks } from '../database/sql.js';
import { LockKey } from '../database/locks.js';
import type { Tx } from '../database/tx.js';
import { LabelingBatchEntity } from './labeling-batch.entity.js';
import type { TaskStatus } from './labeling-task.entity.js';
import type { ProgressRow } from './progress.js';
import type { Pick } from './selection.service.js';
import type { TaskReason } from './strategies.js';

export interface TaskRow {
  id: string;
  batchId: string;
  model: string;
  predictionId: string;
  cls: string;
  reason: TaskReason;
  score: number | null;
  status: TaskStatus;
  labeler: string | null;
  leaseExpiresAt: number | null;
  completedAt: number | null;
  label: string | null;
}

const TASK = `t.id, t.batch_id AS "batchId", t.model, t.prediction_id AS "predictionId", t.class AS cls, t.reason, t.score,
  t.status, t.labeler, t.lease_expires_at AS "leaseExpiresAt", t.completed_at AS "completedAt", t.label`;
const TASK_COLUMNS = 'id, batch_id, model, prediction_id, class, reason, score, queued_at, position, slot, status';

/** Batches and their tasks: leasing, completing, reopening, and the counts behind progress and agreement. */
@Injectable()
export class LabelingRepository {
  constructor(private readonly db: Db) {}

  /** One batch creation per model at a time, so two batches cannot take the same predictions. */
  lockModel(tx: Tx, model: string): Promise<void> {
    return tx.advisoryLock(LockKey.LabelingSelect, model);
  }

  /** One lease at a time per labeler and model, so parallel requests of one labeler cannot take one item twice. */
  lockLabeler(tx: Tx, model: string, labeler: string): Promise<void> {
    return tx.advisoryLock(LockKey.LabelingLease, `${model}:${labeler}`);
  }

  async insertBatch(tx: Tx, batch: LabelingBatchEntity, picks: Pick[]): Promise<void> {
    await tx.run(
      `INSERT INTO labeling_batches (id, model, size, strategy, quotas, audit_fraction, labels_per_item, include_direct,
         filters, seed, outcome, created_by, created_by_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        batch.id,
        batch.model,
        batch.size,
        batch.strategy,
        JSON.stringify(batch.quotas),
        batch.auditFraction,
        batch.labelsPerItem,
        batch.includeDirect ? 1 : 0,
        JSON.stringify(batch.filters),
        batch.seed,
        JSON.stringify(batch.outcome),
        batch.createdBy,
        batch.createdByName,
        batch.createdAt,
      ],
    );
    const rows = picks.flatMap((pick, position) =>
      Array.from({ length: batch.labelsPerItem }, (_, slot) => [
        randomUUID(),
        batch.id,
        batch.model,
        pick.predictionId,
        pick.cls,
        pick.reason,
        pick.score,
        batch.createdAt,
        position,
        slot,
        'pending',
      ]),
    );
    for (const chunk of chunks(rows, 200)) {
      await tx.run(
        `INSERT INTO labeling_tasks (${TASK_COLUMNS}) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        chunk.flat(),
      );
    }
  }

  /** The caller's unexpired lease, most recent first (an undone task comes back before the one it interrupted). */
  heldLease(tx: Tx, model: string, labeler: string, batchId: string | undefined, now: number): Promise<TaskRow | undefined> {
    return tx.get<TaskRow>(
      `SELECT ${TASK} FROM labeling_tasks t WHERE t.labeler = ? AND t.status = 'leased' AND t.model = ? AND t.lease_expires_at > ?
       ${batchId ? 'AND t.batch_id = ?' : ''} ORDER BY t.leased_at DESC LIMIT 1`,
      [labeler, model, now, ...(batchId ? [batchId] : [])],
    );
  }

  /**
   * The first task the labeler may take, locked: an expired lease first, else the oldest pending one,
   * never one for a prediction the labeler has had (done, skipped or leased) in any batch.
   */
  async leasable(tx: Tx, model: string, labeler: string, batchId: string | undefined, now: number): Promise<TaskRow | undefined> {
    const batch = batchId ? 'AND t.batch_id = ?' : '';
    const batchParams = batchId ? [batchId] : [];
    const notHad = (allowSelf: boolean) =>
      `NOT EXISTS (SELECT 1 FROM labeling_tasks o WHERE o.model = t.model AND o.prediction_id = t.prediction_id
         AND o.labeler = ?${allowSelf ? ' AND o.id <> t.id' : ''})`;
    // Within one batch queued_at is constant: leaving it out lets the batch index give the order.
    const order = `ORDER BY ${batchId ? '' : 't.queued_at, '}t.position, t.slot LIMIT 1${tx.skipLocked()}`;
    const expired = await tx.get<TaskRow>(
      `SELECT ${TASK} FROM labeling_tasks t WHERE t.model = ? AND t.status = 'leased' AND t.lease_expires_at <= ? ${batch}
       AND ${notHad(true)} ${order}`,
      [model, now, ...batchParams, labeler],
    );
    if (expired) return expired;
    return tx.get<TaskRow>(
      `SELECT ${TASK} FROM labeling_tasks t WHERE t.model = ? AND t.status = 'pending' ${batch} AND ${notHad(false)} ${order}`,
      [model, ...batchParams, labeler],
    );
  }

  async lease(tx: Tx, id: string, labeler: Principal, now: number, expiresAt: number): Promise<void> {
    await tx.run(
      `UPDATE labeling_tasks SET status = 'leased', labeler = ?, labeler_name = ?, leased_at = ?, lease_expires_at = ?
       WHERE id = ?`,
      [labeler.tokenId, labeler.name, now, expiresAt, id],
    );
  }

  async renew(tx: Tx, id: string, expiresAt: number): Promise<void> {
    await tx.run('UPDATE labeling_tasks SET lease_expires_at = ? WHERE id = ?', [expiresAt, id]);
  }

  /** Marks the task done or skipped if the labeler holds it (an expired lease nobody re-took counts). */
  async complete(tx: Tx, id: string, labeler: string, status: 'done' | 'skipped', label: string | null, now: number) {
    const changed = await tx.run(
      `UPDATE labeling_tasks SET status = ?, label = ?, completed_at = ?, lease_expires_at = NULL
       WHERE id = ? AND status = 'leased' AND labeler = ?`,
      [status, label, now, id, labeler],
    );
    return changed === 1;
  }

  /** A new waiting task for the item of a skipped one: the item still needs its label from someone else. */
  async addReplacement(tx: Tx, skipped: TaskRow): Promise<void> {
    await tx.run(
      `INSERT INTO labeling_tasks (${TASK_COLUMNS})
       SELECT ?, batch_id, model, prediction_id, class, reason, score, queued_at, position,
         (SELECT MAX(slot) + 1 FROM labeling_tasks s WHERE s.batch_id = t.batch_id AND s.prediction_id = t.prediction_id), 'pending'
       FROM labeling_tasks t WHERE t.id = ?`,
      [randomUUID(), skipped.id],
    );
  }

  /** Leases a done or skipped task to its labeler again (undo); false if it is no longer in that state. */
  async reopen(tx: Tx, task: TaskRow, now: number, expiresAt: number): Promise<boolean> {
    const changed = await tx.run(
      `UPDATE labeling_tasks SET status = 'leased', label = NULL, completed_at = NULL, leased_at = ?, lease_expires_at = ?
       WHERE id = ? AND labeler = ? AND status = ?`,
      [now, expiresAt, task.id, task.labeler, task.status],
    );
    return changed === 1;
  }

  /** Drops waiting replacement tasks beyond labelsPerItem (after a skip is undone). */
  async dropSurplus(tx: Tx, task: TaskRow, labelsPerItem: number): Promise<void> {
    const live = await tx.get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM labeling_tasks WHERE batch_id = ? AND prediction_id = ? AND status <> 'skipped'",
      [task.batchId, task.predictionId],
    );
    const surplus = Number(live?.n ?? 0) - labelsPerItem;
    if (surplus <= 0) return;
    await tx.run(
      `DELETE FROM labeling_tasks WHERE id IN (SELECT id FROM labeling_tasks WHERE batch_id = ? AND prediction_id = ?
         AND status = 'pending' ORDER BY slot DESC LIMIT ?)`,
      [task.batchId, task.predictionId, surplus],
    );
  }

  async findTask(id: string): Promise<TaskRow | undefined> {
    const [row] = await this.read<TaskRow>(`SELECT ${TASK} FROM labeling_tasks t WHERE t.id = ?`, [id]);
    return row;
  }

  /** The labeler's most recently finished (done or skipped) task of the model, or of one batch. */
  async lastFinished(model: string, labeler: string, batchId?: string): Promise<TaskRow | undefined> {
    const [row] = await this.read<TaskRow>(
      `SELECT ${TASK} FROM labeling_tasks t WHERE t.labeler = ? AND t.status IN ('done', 'skipped') AND t.model = ?
       ${batchId ? 'AND t.batch_id = ?' : ''} ORDER BY t.completed_at DESC LIMIT 1`,
      [labeler, model, ...(batchId ? [batchId] : [])],
    );
    return row;
  }

  findBatch(id: string): Promise<LabelingBatchEntity | null> {
    return this.db.manager.findOneBy(LabelingBatchEntity, { id });
  }

  batchesOf(model: string): Promise<LabelingBatchEntity[]> {
    return this.db.manager.find(LabelingBatchEntity, { where: { model }, order: { createdAt: 'DESC' } });
  }

  /** Per batch, class and audit flag: item and task counts (expired leases count as pending). */
  async progress(scope: { model: string } | { batchId: string }, now: number): Promise<ProgressRow[]> {
    const [column, value] = 'model' in scope ? ['model', scope.model] : ['batch_id', scope.batchId];
    const rows = await this.read<ProgressRow & { audit: number | boolean }>(
      `SELECT i.batch_id AS "batchId", i.cls, i.audit, COUNT(*) AS items, SUM(i.done) AS done, SUM(i.skipped) AS skipped,
         SUM(i.leased) AS leased, SUM(i.pending) AS pending,
         SUM(CASE WHEN i.done >= b.labels_per_item THEN 1 ELSE 0 END) AS "completedItems"
       FROM (SELECT batch_id, prediction_id, class AS cls, CASE WHEN reason = 'audit' THEN 1 ELSE 0 END AS audit,
               SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END) AS done,
               SUM(CASE WHEN status = 'skipped' THEN 1 ELSE 0 END) AS skipped,
               SUM(CASE WHEN status = 'leased' AND lease_expires_at > ? THEN 1 ELSE 0 END) AS leased,
               SUM(CASE WHEN status = 'pending' OR (status = 'leased' AND lease_expires_at <= ?) THEN 1 ELSE 0 END) AS pending
             FROM labeling_tasks WHERE ${column} = ? GROUP BY batch_id, prediction_id, class, reason) i
       JOIN labeling_batches b ON b.id = i.batch_id
       GROUP BY i.batch_id, i.cls, i.audit`,
      [now, now, value],
    );
    return rows.map((r) => ({
      batchId: r.batchId,
      cls: r.cls,
      audit: Number(r.audit) === 1,
      items: Number(r.items),
      completedItems: Number(r.completedItems),
      done: Number(r.done),
      skipped: Number(r.skipped),
      leased: Number(r.leased),
      pending: Number(r.pending),
    }));
  }

  /** The labels given in a batch, for agreement. */
  ratings(batchId: string): Promise<{ predictionId: string; labeler: string; label: string }[]> {
    return this.read(
      `SELECT prediction_id AS "predictionId", labeler, label FROM labeling_tasks
       WHERE batch_id = ? AND status = 'done' ORDER BY completed_at`,
      [batchId],
    );
  }

  private read<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.db.query<T>(sql, params);
  }
}
