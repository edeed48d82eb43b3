import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber, intBoolean, jsonText } from '../database/columns.js';

export const EXPOSURE_POLICIES = ['model', 'explore', 'none'] as const;
export type ExposurePolicy = (typeof EXPOSURE_POLICIES)[number];

/**
 * One logged prediction. Hot-path writes go through raw SQL in PredictionsRepository;
 * this entity is the schema's description (and what the migration drift test checks).
 */
@Entity('predictions')
@Index('idx_predictions_model_ts', ['model', 'ts'])
@Index('idx_predictions_least_confidence_bucket', ['model', 'prediction', 'leastConfidenceBucket'])
@Index('idx_predictions_margin_bucket', ['model', 'prediction', 'marginBucket'])
@Index('idx_predictions_entropy_bucket', ['model', 'prediction', 'entropyBucket'])
@Index('idx_predictions_implicit_at', ['implicitAt'])
@Index('idx_predictions_final_at', ['finalAt'])
@Index('idx_predictions_version_ts', ['model', 'modelVersion', 'ts'])
@Index('idx_predictions_effective_ts', ['model', 'effectiveLabel', 'ts'])
export class PredictionEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  model!: string;

  @PrimaryColumn({ type: 'varchar', length: 200 })
  id!: string;

  @Column({ name: 'model_version', type: 'varchar', length: 100 })
  modelVersion!: string;

  /** Prediction time, epoch milliseconds. */
  @Column({ type: 'bigint', transformer: bigintNumber })
  ts!: number;

  @Column({ type: 'text', transformer: jsonText })
  features!: Record<string, string | number | boolean | null>;

  @Column({ type: 'varchar', length: 200 })
  prediction!: string;

  @Column({ type: 'text', transformer: jsonText })
  scores!: Record<string, number>;

  @Column({ type: 'text', transformer: jsonText })
  slices!: Record<string, string>;

  @Column({ name: 'item_id', type: 'varchar', length: 200, nullable: true })
  itemId!: string | null;

  @Column({ name: 'exposure_policy', type: 'varchar', length: 16, nullable: true })
  exposurePolicy!: ExposurePolicy | null;

  @Column({ type: 'double precision', nullable: true })
  propensity!: number | null;

  @Column({ type: 'integer', nullable: true, transformer: intBoolean })
  shown!: boolean | null;

  @Column({ name: 'trace_id', type: 'varchar', length: 64, nullable: true })
  traceId!: string | null;

  @Column({ name: 'least_confidence', type: 'double precision' })
  leastConfidence!: number;

  @Column({ type: 'double precision' })
  margin!: number;

  @Column({ type: 'double precision' })
  entropy!: number;

  /** Order-preserving steps of the three scores, indexed for selection (predictions/uncertainty.ts). */
  @Column({ name: 'least_confidence_bucket', type: 'integer', default: 0 })
  leastConfidenceBucket!: number;

  @Column({ name: 'margin_bucket', type: 'integer', default: 0 })
  marginBucket!: number;

  @Column({ name: 'entropy_bucket', type: 'integer', default: 0 })
  entropyBucket!: number;

  /** Hash of the features alone: near-duplicates share it. */
  @Column({ name: 'feature_hash', type: 'varchar', length: 32 })
  featureHash!: string;

  /** Hash of the request as the client sent it: tells a re-send from a conflicting one. */
  @Column({ name: 'content_hash', type: 'varchar', length: 32 })
  contentHash!: string;

  @Column({ name: 'received_at', type: 'bigint', transformer: bigintNumber })
  receivedAt!: number;

  /** When the implicit label is due, if the model has one and the prediction was shown; null once done. */
  @Column({ name: 'implicit_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  implicitAt!: number | null;

  /** When the last attribution window closes and the direct label becomes final; null once closed. */
  @Column({ name: 'final_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  finalAt!: number | null;

  @Column({ name: 'effective_label', type: 'varchar', length: 200, nullable: true })
  effectiveLabel!: string | null;

  @Column({ name: 'effective_source', type: 'varchar', length: 16, nullable: true })
  effectiveSource!: string | null;

  @Column({ name: 'labeled_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  labeledAt!: number | null;

  /** The prediction's label-quality key (behaviour and human label, JSON); null until it is first labeled. */
  @Column({ name: 'quality_key', type: 'text', nullable: true })
  qualityKey!: string | null;
}
