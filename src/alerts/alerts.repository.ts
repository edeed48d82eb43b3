import { Injectable } from '@nestjs/common';
import { Db } from '../database/db.js';
import type { Tx } from '../database/tx.js';
import type { AlertDetails, Recommendation } from './alert-message.js';
import { type AlertEntity, type AlertKind, type AlertState, OPEN_SLOT } from './alert.entity.js';
import type { NotificationStatus } from './alert-notification.entity.js';

export interface OpenAlertRow {
  id: string;
  feature: string;
  key: string;
  value: string;
  startedAt: number;
}

export interface NotificationRow {
  seq: number;
  alertId: string;
  event: string;
  payload: string;
  attempts: number;
}

interface AlertRecord {
  id: string;
  kind: AlertKind;
  feature: string;
  model: string;
  slice_key: string;
  slice_value: string;
  state: AlertState;
  open_slot: string;
  reason: string;
  message: string;
  details: string;
  recommendation: string;
  started_at: number | string;
  ended_at: number | string | null;
  updated_at: number | string;
}

const ALERT_COLUMNS =
  'id, kind, feature, model, slice_key, slice_value, state, open_slot, reason, message, details, recommendation, started_at, ended_at, updated_at';

/** Alerts and their webhook outbox. */
@Injectable()
export class AlertsRepository {
  constructor(private readonly db: Db) {}

  /** The model's firing alerts of one kind. */
  async openAlerts(tx: Tx, model: string, kind: AlertKind = 'accuracy'): Promise<OpenAlertRow[]> {
    const rows = await tx.all<{
      id: string;
      feature: string;
      slice_key: string;
      slice_value: string;
      started_at: number | string;
    }>(
      'SELECT id, feature, slice_key, slice_value, started_at FROM alerts WHERE model = ? AND state = ? AND kind = ? ORDER BY started_at, id',
      [model, 'firing', kind],
    );
    return rows.map((r) => ({
      id: r.id,
      feature: r.feature,
      key: r.slice_key,
      value: r.slice_value,
      startedAt: Number(r.started_at),
    }));
  }

  /** Inserts a firing alert unless the slice already has an open one; true when inserted. */
  async insertFiring(tx: Tx, a: AlertEntity): Promise<boolean> {
    const inserted = await tx.all(
      `INSERT INTO alerts (${ALERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (model, kind, feature, slice_key, slice_value, open_slot) DO NOTHING RETURNING id`,
      [
        a.id,
        a.kind,
        a.feature,
        a.model,
        a.sliceKey,
        a.sliceValue,
        'firing',
        OPEN_SLOT,
        a.reason,
        a.message,
        JSON.stringify(a.details),
        JSON.stringify(a.recommendation),
        a.startedAt,
        null,
        a.updatedAt,
      ],
    );
    return inserted.length === 1;
  }

  /** New numbers for an alert that still fires. */
  async refresh(
    tx: Tx,
    id: string,
    fields: { reason: string; message: string; details: AlertDetails; recommendation: Recommendation },
    now: number,
  ): Promise<void> {
    await tx.run(
      `UPDATE alerts SET reason = ?, message = ?, details = ?, recommendation = ?, updated_at = ? WHERE id = ? AND state = ?`,
      [fields.reason, fields.message, JSON.stringify(fields.details), JSON.stringify(fields.recommendation), now, id, 'firing'],
    );
  }

  /** Resolves a firing alert, freeing its slice's open slot; null when it was not firing (any more). */
  async resolve(tx: Tx, id: string, resolution: string, now: number): Promise<AlertEntity | null> {
    const current = await this.findInTx(tx, id);
    if (!current || current.state !== 'firing') return null;
    const details = { ...current.details, resolution };
    const changed = await tx.run(
      `UPDATE alerts SET state = ?, open_slot = ?, ended_at = ?, updated_at = ?, details = ? WHERE id = ? AND state = ?`,
      ['resolved', id, now, now, JSON.stringify(details), id, 'firing'],
    );
    return changed === 1 ? { ...current, state: 'resolved', openSlot: id, endedAt: now, updatedAt: now, details } : null;
  }

  async findInTx(tx: Tx, id: string): Promise<AlertEntity | null> {
    const row = await tx.get<AlertRecord>(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE id = ?`, [id]);
    return row ? toEntity(row) : null;
  }

  /** A model's alerts: firing first, then the most recently started. */
  async list(model: string, state: AlertState | null, limit: number, kind: AlertKind | null = null): Promise<AlertEntity[]> {
    const rows = await this.read<AlertRecord>(
      `SELECT ${ALERT_COLUMNS} FROM alerts WHERE model = ?${state ? ' AND state = ?' : ''}${kind ? ' AND kind = ?' : ''}
       ORDER BY CASE WHEN state = 'firing' THEN 0 ELSE 1 END, started_at DESC, id LIMIT ?`,
      [model, ...(state ? [state] : []), ...(kind ? [kind] : []), limit],
    );
    return rows.map(toEntity);
  }

  async insertNotification(tx: Tx, n: { alertId: string; event: string; payload: string }, now: number): Promise<void> {
    await tx.run(
      `INSERT INTO alert_notifications (alert_id, event, payload, status, attempts, next_attempt_at, last_error, created_at, delivered_at)
       VALUES (?, ?, ?, ?, 0, ?, NULL, ?, NULL)`,
      [n.alertId, n.event, n.payload, 'pending', now, now],
    );
  }

  /** Pending notifications whose time has come, oldest first. */
  async due(now: number, limit: number): Promise<NotificationRow[]> {
    const rows = await this.read<{ seq: number; alert_id: string; event: string; payload: string; attempts: number }>(
      `SELECT seq, alert_id, event, payload, attempts FROM alert_notifications
       WHERE status = ? AND next_attempt_at <= ? ORDER BY next_attempt_at, seq LIMIT ?`,
      ['pending', now, limit],
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      alertId: r.alert_id,
      event: r.event,
      payload: r.payload,
      attempts: Number(r.attempts),
    }));
  }

  /** Takes a due notification for leaseMs so that another worker does not send it too; false when someone else has. */
  async claim(seq: number, now: number, leaseMs: number): Promise<boolean> {
    return (
      (await this.write(
        'UPDATE alert_notifications SET next_attempt_at = ? WHERE seq = ? AND status = ? AND next_attempt_at <= ?',
        [now + leaseMs, seq, 'pending', now],
      )) === 1
    );
  }

  async recordAttempt(
    seq: number,
    outcome: { status: NotificationStatus; attempts: number; nextAttemptAt: number; error: string | null },
    now: number,
  ): Promise<void> {
    await this.write(
      'UPDATE alert_notifications SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, delivered_at = ? WHERE seq = ?',
      [outcome.status, outcome.attempts, outcome.nextAttemptAt, outcome.error, outcome.status === 'delivered' ? now : null, seq],
    );
  }

  /** When the next pending notification is due; null when none is pending. */
  async nextDueAt(): Promise<number | null> {
    const [row] = await this.read<{ at: number | string | null }>(
      'SELECT MIN(next_attempt_at) AS at FROM alert_notifications WHERE status = ?',
      ['pending'],
    );
    return row?.at === null || row?.at === undefined ? null : Number(row.at);
  }

  /** Deletes up to `limit` notifications delivered before `before`; returns how many. */
  deleteDeliveredBefore(before: number, limit: number): Promise<number> {
    return this.write(
      `DELETE FROM alert_notifications WHERE seq IN (
         SELECT seq FROM alert_notifications WHERE status = ? AND delivered_at < ? ORDER BY seq LIMIT ?)`,
      ['delivered', before, limit],
    );
  }

  private read<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.db.query<T>(sql, params);
  }

  private write(sql: string, params: unknown[]): Promise<number> {
    return this.db.tx((tx) => tx.run(sql, params));
  }
}

function toEntity(r: AlertRecord): AlertEntity {
  return {
    id: r.id,
    kind: r.kind,
    feature: r.feature,
    model: r.model,
    sliceKey: r.slice_key,
    sliceValue: r.slice_value,
    state: r.state,
    openSlot: r.open_slot,
    reason: r.reason,
    message: r.message,
    details: JSON.parse(r.details) as AlertDetails,
    recommendation: JSON.parse(r.recommendation) as Recommendation,
    startedAt: Number(r.started_at),
    endedAt: r.ended_at === null ? null : Number(r.ended_at),
    updatedAt: Number(r.updated_at),
  };
}
