import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../database/columns.js';

/**
 * One rollup cell: how many labeled predictions of a model version, in a slice (or the whole model,
 * or a cross of two slices) and a time bucket, have this label source, actual and predicted class.
 * Derived from predictions and their effective labels; the rebuild recomputes every cell from them.
 *
 * On SQLite the table is WITHOUT ROWID, so a report reads a window's cells, counts included, in one
 * range scan of the primary key. The series index serves one slice value's cells; it leads with slice
 * key and value and carries n, so that SQLite's planner, which has no statistics, prefers it for a
 * series and the key's (model, grain, bucket) prefix for whole reports, reading no rows besides.
 */
@Entity('slice_cells', { withoutRowid: true })
@Index('idx_slice_cells_series', ['sliceKey', 'sliceValue', 'model', 'grain', 'bucket', 'n'])
export class SliceCellEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  model!: string;

  /** hour, day or all (all time, bucket 0). */
  @PrimaryColumn({ type: 'varchar', length: 4 })
  grain!: string;

  /** Start of the bucket of the prediction's time, epoch milliseconds (UTC). */
  @PrimaryColumn({ type: 'bigint', transformer: bigintNumber })
  bucket!: number;

  @PrimaryColumn({ name: 'model_version', type: 'varchar', length: 100 })
  modelVersion!: string;

  /** A slice key, two joined by × for a cross, or * for the whole model. */
  @PrimaryColumn({ name: 'slice_key', type: 'varchar', length: 201 })
  sliceKey!: string;

  @PrimaryColumn({ name: 'slice_value', type: 'varchar', length: 401 })
  sliceValue!: string;

  /** The source of the effective label. */
  @PrimaryColumn({ type: 'varchar', length: 16 })
  source!: string;

  /** The effective label. */
  @PrimaryColumn({ type: 'varchar', length: 200 })
  actual!: string;

  /** The predicted class. */
  @PrimaryColumn({ type: 'varchar', length: 200 })
  predicted!: string;

  @Column({ type: 'integer' })
  n!: number;
}
