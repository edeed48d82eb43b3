import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber, jsonText } from '../database/columns.js';

/**
 * pending: its prediction has not arrived; new: joined, not yet applied; applied: set or upgraded
 * the direct label; matched: a rule matched but a stronger label stood; late: after its window (or
 * after the label was final); no_rule: no rule is about it; orphaned: its prediction never came.
 */
export const EVENT_STATES = ['pending', 'new', 'applied', 'matched', 'late', 'no_rule', 'orphaned'] as const;
export type EventState = (typeof EVENT_STATES)[number];

@Entity('events')
@Index('idx_events_prediction', ['model', 'predictionId'])
@Index('idx_events_state', ['state', 'receivedAt', 'id'])
export class EventEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  model!: string;

  @PrimaryColumn({ type: 'varchar', length: 200 })
  id!: string;

  @Column({ name: 'prediction_id', type: 'varchar', length: 200 })
  predictionId!: string;

  @Column({ type: 'varchar', length: 100 })
  type!: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  ts!: number;

  @Column({ type: 'double precision', nullable: true })
  value!: number | null;

  @Column({ type: 'text', nullable: true, transformer: jsonText })
  attributes!: Record<string, string | number | boolean | null> | null;

  @Column({ type: 'varchar', length: 16 })
  state!: EventState;

  @Column({ name: 'content_hash', type: 'varchar', length: 32 })
  contentHash!: string;

  @Column({ name: 'received_at', type: 'bigint', transformer: bigintNumber })
  receivedAt!: number;

  @Column({ name: 'processed_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  processedAt!: number | null;
}
