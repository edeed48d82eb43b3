import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber, jsonText } from '../database/columns.js';
import type { AlertDetails, Recommendation } from './alert-message.js';

/** Written while an alert fires; it never goes back from resolved. */
export type AlertState = 'firing' | 'resolved';
export type AlertKind = 'accuracy' | 'drift';
/** open_slot of a firing alert; a resolved one holds its own id there instead. */
export const OPEN_SLOT = 'open';

/**
 * A slice whose accuracy crossed the model's alert thresholds, from when it fired until the condition
 * cleared. The unique index on (model, slice, open_slot) is what keeps one open alert per slice, even
 * when two workers evaluate at once.
 */
@Entity('alerts')
@Index('idx_alerts_open', ['model', 'kind', 'feature', 'sliceKey', 'sliceValue', 'openSlot'], { unique: true })
@Index('idx_alerts_model_started', ['model', 'startedAt'])
export class AlertEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  model!: string;

  /** accuracy (slice accuracy, evaluated here) or drift (feature drift and schema, from monitoring). */
  @Column({ type: 'varchar', length: 16, default: 'accuracy' })
  kind!: AlertKind;

  /** The drifted feature of a drift alert; empty for accuracy alerts. */
  @Column({ type: 'varchar', length: 200, default: '' })
  feature!: string;

  @Column({ name: 'slice_key', type: 'varchar', length: 201 })
  sliceKey!: string;

  @Column({ name: 'slice_value', type: 'varchar', length: 401 })
  sliceValue!: string;

  @Column({ type: 'varchar', length: 16 })
  state!: AlertState;

  @Column({ name: 'open_slot', type: 'varchar', length: 36 })
  openSlot!: string;

  /** below_min_accuracy, below_rest or drop: the condition that held at the last evaluation. */
  @Column({ type: 'varchar', length: 32 })
  reason!: string;

  @Column({ type: 'text' })
  message!: string;

  @Column({ type: 'text', transformer: jsonText })
  details!: AlertDetails;

  @Column({ type: 'text', transformer: jsonText })
  recommendation!: Recommendation;

  @Column({ name: 'started_at', type: 'bigint', transformer: bigintNumber })
  startedAt!: number;

  @Column({ name: 'ended_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  endedAt!: number | null;

  /** The last evaluation that saw the condition hold (or that resolved it). */
  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintNumber })
  updatedAt!: number;
}
