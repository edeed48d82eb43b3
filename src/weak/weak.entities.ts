import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber, intBoolean, jsonText } from '../database/columns.js';
import type { FunctionDefinition, FunctionKind } from './functions.js';

/** A labeling function of a model: declarative ones run here, external ones only receive votes. */
@Entity('lf_functions')
export class LfFunctionEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  model!: string;

  @PrimaryColumn({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: FunctionKind;

  @Column({ type: 'text', transformer: jsonText })
  definition!: FunctionDefinition;

  @Column({ type: 'integer', transformer: intBoolean })
  enabled!: boolean;

  /** Bumped when the definition changes, so that votes of an older version are recomputed. */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintNumber })
  updatedAt!: number;
}

/** One vote, stored sparsely: abstentions have no row. Keyed by prediction first, so a fit streams votes grouped by prediction. */
@Entity('lf_votes')
@Index('idx_lf_votes_function', ['model', 'functionName'])
export class LfVoteEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  model!: string;

  @PrimaryColumn({ name: 'prediction_id', type: 'varchar', length: 200 })
  predictionId!: string;

  @PrimaryColumn({ name: 'function_name', type: 'varchar', length: 100 })
  functionName!: string;

  @Column({ type: 'varchar', length: 200 })
  label!: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;
}

/** Predictions stored since the functions last ran, written in the storing transaction. */
@Entity('lf_pending')
export class LfPendingEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  model!: string;

  @PrimaryColumn({ name: 'prediction_id', type: 'varchar', length: 200 })
  predictionId!: string;
}

/** Per model: how many votes changed since the last fit, and when it was. */
@Entity('lf_state')
export class LfStateEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  model!: string;

  @Column({ name: 'votes_changed', type: 'bigint', transformer: bigintNumber })
  votesChanged!: number;

  @Column({ name: 'fitted_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  fittedAt!: number | null;
}

export type RunKind = 'apply' | 'fit';
export type RunStatus = 'queued' | 'running' | 'done' | 'failed';

/** A run over the model's history: applying the functions, or fitting the label model (whose result is the fit). */
@Entity('lf_runs')
@Index('idx_lf_runs_model', ['model', 'kind', 'createdAt'])
export class LfRunEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  model!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: RunKind;

  @Column({ type: 'varchar', length: 16 })
  status!: RunStatus;

  @Column({ type: 'double precision' })
  progress!: number;

  @Column({ type: 'text', nullable: true, transformer: jsonText })
  result!: Record<string, unknown> | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  @Column({ name: 'finished_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  finishedAt!: number | null;
}
