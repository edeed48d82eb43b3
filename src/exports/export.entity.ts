import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber, jsonText } from '../database/columns.js';
import type { FeedbackReport } from '../feedback/feedback.types.js';
import type { ExportAcknowledgement, ExportManifest, ExportParameters } from './export-manifest.js';

export const EXPORT_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

/**
 * One export request and, once done, its manifest. The row is the export's state: the job only
 * triggers the work, and a start-up recovery queues again every export not yet done or failed.
 * The feedback report reads finished manifests' counts.byClass for its prior-shift check.
 */
@Entity('exports')
@Index('idx_exports_model_created', ['model', 'createdAt'])
@Index('idx_exports_status', ['status'])
export class ExportEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  model!: string;

  @Column({ type: 'varchar', length: 16 })
  format!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: ExportStatus;

  @Column({ type: 'text', transformer: jsonText })
  parameters!: ExportParameters;

  /** The feedback report as it stood when the export was accepted. */
  @Column({ type: 'text', transformer: jsonText })
  report!: FeedbackReport;

  @Column({ type: 'text', nullable: true, transformer: jsonText })
  acknowledgement!: ExportAcknowledgement | null;

  @Column({ name: 'requested_by', type: 'varchar', length: 200 })
  requestedBy!: string;

  /** 0..1, rows written over rows to write. */
  @Column({ type: 'double precision' })
  progress!: number;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  @Column({ name: 'started_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  startedAt!: number | null;

  /** The run that last claimed the export: only that run may finish it (a re-run supersedes a stalled one). */
  @Column({ name: 'run_token', type: 'varchar', length: 32, nullable: true })
  runToken!: string | null;

  @Column({ name: 'finished_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  finishedAt!: number | null;

  @Column({ type: 'text', nullable: true, transformer: jsonText })
  manifest!: ExportManifest | null;
}
