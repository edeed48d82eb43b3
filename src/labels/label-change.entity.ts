import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber } from '../database/columns.js';

/**
 * The outbox: one row per change of a prediction's effective label, written in the same
 * transaction as the change. Consumers (slice rollups) mark rows done in the transaction of their
 * own update, so nothing is lost or applied twice across crashes.
 */
@Entity('label_changes')
@Index('idx_label_changes_pending', ['processedAt', 'deadLetteredAt', 'seq'])
@Index('idx_label_changes_prediction', ['model', 'predictionId'])
export class LabelChangeEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  seq!: number;

  @Column({ type: 'varchar', length: 100 })
  model!: string;

  @Column({ name: 'prediction_id', type: 'varchar', length: 200 })
  predictionId!: string;

  @Column({ name: 'old_label', type: 'varchar', length: 200, nullable: true })
  oldLabel!: string | null;

  @Column({ name: 'old_source', type: 'varchar', length: 16, nullable: true })
  oldSource!: string | null;

  @Column({ name: 'new_label', type: 'varchar', length: 200, nullable: true })
  newLabel!: string | null;

  @Column({ name: 'new_source', type: 'varchar', length: 16, nullable: true })
  newSource!: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  @Column({ name: 'processed_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  processedAt!: number | null;

  /** The prediction's quality key before and after (src/quality/quality-key.ts); null on rows from before they existed. */
  @Column({ name: 'old_quality', type: 'text', nullable: true })
  oldQuality!: string | null;

  @Column({ name: 'new_quality', type: 'text', nullable: true })
  newQuality!: string | null;

  /** Failed attempts to apply the row; at OUTBOX_MAX_ATTEMPTS it is dead-lettered. */
  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** Set when the row failed too often and the rollups moved on without it; `rebuild` absorbs it. */
  @Column({ name: 'dead_lettered_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  deadLetteredAt!: number | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;
}
