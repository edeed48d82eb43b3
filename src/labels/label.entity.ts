import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber, intBoolean, jsonText } from '../database/columns.js';
import type { LabelSource } from '../models/model-settings.js';

/**
 * One label of a prediction, with its provenance. A prediction has at most one label per source and
 * author: one direct label (upgraded in place by stronger events), one implicit, one per labeler.
 */
@Entity('labels')
@Index('idx_labels_unique', ['model', 'predictionId', 'source', 'author'], { unique: true })
export class LabelEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  model!: string;

  @Column({ name: 'prediction_id', type: 'varchar', length: 200 })
  predictionId!: string;

  @Column({ type: 'varchar', length: 200 })
  label!: string;

  @Column({ type: 'varchar', length: 16 })
  source!: LabelSource;

  /** The labeler's token id for manual and audit labels; '' for direct and implicit ones. */
  @Column({ type: 'varchar', length: 100 })
  author!: string;

  /** The labeler's name, or a description of the rule ("purchase within 7d, priority 20"). */
  @Column({ name: 'author_name', type: 'varchar', length: 200 })
  authorName!: string;

  /** The rule as it stood when it matched (direct labels). */
  @Column({ type: 'text', nullable: true, transformer: jsonText })
  rule!: Record<string, unknown> | null;

  @Column({ name: 'event_ids', type: 'text', transformer: jsonText })
  eventIds!: string[];

  /** A direct label is final once its prediction's window has closed. */
  @Column({ type: 'integer', transformer: intBoolean })
  final!: boolean;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintNumber })
  updatedAt!: number;
}
