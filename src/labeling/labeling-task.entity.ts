import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../database/columns.js';
import type { TaskReason } from './strategies.js';

export const TASK_STATUSES = ['pending', 'leased', 'done', 'skipped'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/**
 * One label wanted for one batch item: an item with labelsPerItem = n has n rows. A row remembers
 * who leased it, so a labeler is never given the same prediction twice (the unique index makes that
 * hold under any concurrency; rows waiting for a labeler have labeler null, which never collides).
 */
@Entity('labeling_tasks')
@Index('idx_labeling_tasks_item_labeler', ['model', 'predictionId', 'labeler'], { unique: true })
@Index('idx_labeling_tasks_queue', ['model', 'status', 'queuedAt', 'position', 'slot'])
@Index('idx_labeling_tasks_expiry', ['model', 'status', 'leaseExpiresAt'])
@Index('idx_labeling_tasks_batch', ['batchId', 'status', 'position', 'slot'])
@Index('idx_labeling_tasks_labeler', ['labeler', 'status', 'completedAt'])
export class LabelingTaskEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'batch_id', type: 'varchar', length: 36 })
  batchId!: string;

  @Column({ type: 'varchar', length: 100 })
  model!: string;

  @Column({ name: 'prediction_id', type: 'varchar', length: 200 })
  predictionId!: string;

  /** The predicted class the item was selected under (its quota). */
  @Column({ name: 'class', type: 'varchar', length: 200 })
  predictedClass!: string;

  @Column({ type: 'varchar', length: 32 })
  reason!: TaskReason;

  /** The uncertainty score it was ranked by; null for random and audit picks. */
  @Column({ type: 'double precision', nullable: true })
  score!: number | null;

  /** The batch's creation time: older batches are served first. */
  @Column({ name: 'queued_at', type: 'bigint', transformer: bigintNumber })
  queuedAt!: number;

  @Column({ type: 'integer' })
  position!: number;

  /** 0..labelsPerItem-1, and higher for rows that replace skipped ones. */
  @Column({ type: 'integer' })
  slot!: number;

  @Column({ type: 'varchar', length: 16 })
  status!: TaskStatus;

  /** The labeler's token id, from the first lease on. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  labeler!: string | null;

  @Column({ name: 'labeler_name', type: 'varchar', length: 200, nullable: true })
  labelerName!: string | null;

  @Column({ name: 'leased_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  leasedAt!: number | null;

  @Column({ name: 'lease_expires_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  leaseExpiresAt!: number | null;

  @Column({ name: 'completed_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  completedAt!: number | null;

  /** The label given (also stored, with provenance, as a manual or audit label). */
  @Column({ type: 'varchar', length: 200, nullable: true })
  label!: string | null;
}
