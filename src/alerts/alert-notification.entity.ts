import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber } from '../database/columns.js';

export type NotificationStatus = 'pending' | 'delivered' | 'failed';

/**
 * The webhook outbox: one row per alert that fired or resolved, written in the transaction that
 * changed the alert, and POSTed to ALERT_WEBHOOK_URL by a job with retries and backoff.
 */
@Entity('alert_notifications')
@Index('idx_alert_notifications_due', ['status', 'nextAttemptAt'])
export class AlertNotificationEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  seq!: number;

  @Column({ name: 'alert_id', type: 'varchar', length: 36 })
  alertId!: string;

  /** firing or resolved: what happened to the alert. */
  @Column({ type: 'varchar', length: 16 })
  event!: string;

  /** The JSON body to POST, fixed when the row is written. */
  @Column({ type: 'text' })
  payload!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: NotificationStatus;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'bigint', transformer: bigintNumber })
  nextAttemptAt!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  @Column({ name: 'delivered_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  deliveredAt!: number | null;
}
