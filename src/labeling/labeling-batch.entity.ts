import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber, intBoolean, jsonText } from '../database/columns.js';
import type { AuditDesign } from './audit-design.js';
import type { QuotaOutcome, QuotaSpec } from './quotas.js';
import type { Strategy } from './strategies.js';

export interface BatchFilters {
  modelVersion?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  slices?: Record<string, string>;
}

/** What selection achieved: per class quota, and the audit sample. */
export interface BatchOutcome {
  quotas: Record<string, QuotaOutcome>;
  audit: {
    asked: number;
    filled: number;
    shortBy: number;
    reason: 'too_few_candidates' | null;
    /** How the audit was drawn, for estimates that weight strata; absent on batches made before it was kept. */
    design?: AuditDesign;
  };
}

/** One active-learning selection: its request and what it filled. Its items are labeling_tasks rows. */
@Entity('labeling_batches')
@Index('idx_labeling_batches_model', ['model', 'createdAt'])
export class LabelingBatchEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  model!: string;

  @Column({ type: 'integer' })
  size!: number;

  @Column({ type: 'varchar', length: 32 })
  strategy!: Strategy;

  @Column({ type: 'text', transformer: jsonText })
  quotas!: QuotaSpec;

  @Column({ name: 'audit_fraction', type: 'double precision' })
  auditFraction!: number;

  @Column({ name: 'labels_per_item', type: 'integer' })
  labelsPerItem!: number;

  @Column({ name: 'include_direct', type: 'integer', transformer: intBoolean })
  includeDirect!: boolean;

  @Column({ type: 'text', transformer: jsonText })
  filters!: BatchFilters;

  /** Seeds the random audit sample and the random strategy. */
  @Column({ type: 'integer' })
  seed!: number;

  @Column({ type: 'text', transformer: jsonText })
  outcome!: BatchOutcome;

  /** The admin's token id and name. */
  @Column({ name: 'created_by', type: 'varchar', length: 100 })
  createdBy!: string;

  @Column({ name: 'created_by_name', type: 'varchar', length: 200 })
  createdByName!: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;
}
