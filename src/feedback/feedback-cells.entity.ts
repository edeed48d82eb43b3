import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../database/columns.js';

/**
 * One feedback cell: how many predictions of a model version, in a time bucket, with this predicted
 * class, exposure policy and propensity (missing or not), have this effective label and source ('' is
 * none: unlabeled). Every prediction is in one cell per grain. The feedback report sums a window's
 * cells instead of scanning the window's predictions; the slice rollup keeps them (feedback-rollup.ts).
 */
@Entity('feedback_cells', { withoutRowid: true })
export class FeedbackCellEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  model!: string;

  /** hour, day or all (bucket 0). */
  @PrimaryColumn({ type: 'varchar', length: 4 })
  grain!: string;

  @PrimaryColumn({ type: 'bigint', transformer: bigintNumber })
  bucket!: number;

  @PrimaryColumn({ name: 'model_version', type: 'varchar', length: 100 })
  modelVersion!: string;

  @PrimaryColumn({ type: 'varchar', length: 200 })
  predicted!: string;

  /** The exposure policy, or '' when none was logged. */
  @PrimaryColumn({ type: 'varchar', length: 16 })
  policy!: string;

  /** 1 when the prediction was logged without a propensity. */
  @PrimaryColumn({ type: 'integer' })
  missing!: number;

  /** The effective label's source, or '' (unlabeled). */
  @PrimaryColumn({ type: 'varchar', length: 16 })
  source!: string;

  @PrimaryColumn({ type: 'varchar', length: 200 })
  label!: string;

  @Column({ type: 'integer' })
  n!: number;
}
