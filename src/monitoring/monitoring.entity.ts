import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber } from '../database/columns.js';

/**
 * The profile job's outbox: the ingest transaction writes one row per batch and model with the ids
 * it stored; the job deletes the row in the transaction that adds those predictions to the profiles.
 */
@Entity('monitoring_pending')
export class MonitoringPendingEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  seq!: number;

  @Column({ type: 'varchar', length: 100 })
  model!: string;

  /** JSON array of prediction ids. */
  @Column({ type: 'text' })
  ids!: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  /** Failed attempts to profile the marker's predictions; at OUTBOX_MAX_ATTEMPTS it is dead-lettered. */
  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'dead_lettered_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  deadLetteredAt!: number | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;
}

/** One feature's profile (or the predictions', under a reserved name) in a cell of the log. */
@Entity('monitoring_profiles', { withoutRowid: true })
export class MonitoringProfileEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  model!: string;

  /** hour or day. */
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
  feature!: string;

  @Column({ type: 'integer' })
  n!: number;

  /** JSON: a FeatureProfile or a PredictionProfile. */
  @Column({ type: 'text' })
  profile!: string;
}

/** How often the profile job changed a bucket of one model version: what kept window folds are checked against. */
@Entity('monitoring_profile_revisions', { withoutRowid: true })
export class MonitoringProfileRevisionEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  model!: string;

  /** hour or day. */
  @PrimaryColumn({ type: 'varchar', length: 4 })
  grain!: string;

  @PrimaryColumn({ type: 'bigint', transformer: bigintNumber })
  bucket!: number;

  @PrimaryColumn({ name: 'model_version', type: 'varchar', length: 100 })
  modelVersion!: string;

  @Column({ type: 'integer' })
  revision!: number;
}

@Entity('monitoring_baselines')
export class MonitoringBaselineEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  model!: string;

  @PrimaryColumn({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'is_default', type: 'integer' })
  isDefault!: number;

  /** window (from the log) or rows (sent by the user). */
  @Column({ type: 'varchar', length: 16 })
  source!: string;

  @Column({ name: 'from_ts', type: 'bigint', nullable: true, transformer: bigintNumber })
  fromTs!: number | null;

  @Column({ name: 'to_ts', type: 'bigint', nullable: true, transformer: bigintNumber })
  toTs!: number | null;

  @Column({ name: 'model_version', type: 'varchar', length: 100, nullable: true })
  modelVersion!: string | null;

  @Column({ type: 'integer' })
  rows!: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintNumber })
  updatedAt!: number;
}

/** A baseline's profiles: the same structure as live ones, one timeless cell per slice and feature. */
@Entity('monitoring_baseline_profiles', { withoutRowid: true })
export class MonitoringBaselineProfileEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  model!: string;

  @PrimaryColumn({ type: 'varchar', length: 100 })
  baseline!: string;

  @PrimaryColumn({ name: 'slice_key', type: 'varchar', length: 201 })
  sliceKey!: string;

  @PrimaryColumn({ name: 'slice_value', type: 'varchar', length: 401 })
  sliceValue!: string;

  @PrimaryColumn({ type: 'varchar', length: 200 })
  feature!: string;

  @Column({ type: 'integer' })
  n!: number;

  @Column({ type: 'text' })
  profile!: string;
}

/** Isotonic calibration of one predicted class's score, fitted on labeled predictions by the calibration job. */
@Entity('monitoring_calibrations')
export class MonitoringCalibrationEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  model!: string;

  @PrimaryColumn({ type: 'varchar', length: 200 })
  class!: string;

  @Column({ type: 'integer' })
  n!: number;

  /** audit when audit labels were enough, else all. */
  @Column({ type: 'varchar', length: 16 })
  source!: string;

  @Column({ name: 'ece_before', type: 'double precision' })
  eceBefore!: number;

  @Column({ name: 'ece_after', type: 'double precision' })
  eceAfter!: number;

  /** JSON {x, y}, or null when calibration did not lower the error (raw scores are used). */
  @Column({ type: 'text', nullable: true })
  calibrator!: string | null;

  @Column({ name: 'fitted_at', type: 'bigint', transformer: bigintNumber })
  fittedAt!: number;
}
