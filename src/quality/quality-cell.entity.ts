import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../database/columns.js';

/**
 * One label-quality cell: how many predictions of a model version, in a slice (or the whole model,
 * or a cross) and a time bucket, with this predicted class, have this behaviour label (source, direct
 * rule, label) and this human label (audit or manual). Every prediction is in exactly one cell per
 * coordinate and grain, labeled or not ('' is "none"). Derived from the predictions' quality keys;
 * the rebuild recomputes every cell from them.
 */
@Entity('quality_cells', { withoutRowid: true })
export class QualityCellEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  model!: string;

  /** hour, day or all (bucket 0). */
  @PrimaryColumn({ type: 'varchar', length: 4 })
  grain!: string;

  @PrimaryColumn({ type: 'bigint', transformer: bigintNumber })
  bucket!: number;

  @PrimaryColumn({ name: 'model_version', type: 'varchar', length: 100 })
  modelVersion!: string;

  @PrimaryColumn({ name: 'slice_key', type: 'varchar', length: 201 })
  sliceKey!: string;

  @PrimaryColumn({ name: 'slice_value', type: 'varchar', length: 401 })
  sliceValue!: string;

  @PrimaryColumn({ type: 'varchar', length: 200 })
  predicted!: string;

  /** direct, implicit, weak, or ''. */
  @PrimaryColumn({ name: 'b_source', type: 'varchar', length: 16 })
  bSource!: string;

  @PrimaryColumn({ name: 'b_rule', type: 'varchar', length: 300 })
  bRule!: string;

  @PrimaryColumn({ name: 'b_label', type: 'varchar', length: 200 })
  bLabel!: string;

  /** audit, manual, or ''. */
  @PrimaryColumn({ name: 'h_source', type: 'varchar', length: 16 })
  hSource!: string;

  @PrimaryColumn({ name: 'h_label', type: 'varchar', length: 200 })
  hLabel!: string;

  @Column({ type: 'integer' })
  n!: number;
}
