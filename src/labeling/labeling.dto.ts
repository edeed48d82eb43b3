import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { EffectiveLabelDto, PredictionViewDto, type toPredictionDto } from '../predictions/predictions.dto.js';
import { AUDIT_MODES, type AuditMode } from './audit-design.js';
import type { Agreement } from './kappa.js';
import type { LabelingBatchEntity } from './labeling-batch.entity.js';
import type { TaskRow } from './labeling.repository.js';
import type { BatchProgress } from './progress.js';
import type { QuotaSpec } from './quotas.js';
import { STRATEGIES, type Strategy } from './strategies.js';
import { IsIsoDateTime } from '../common/dates.js';

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const IsQuotaSpec = () =>
  ValidateBy({
    name: 'isQuotaSpec',
    validator: {
      validate: (v: unknown) =>
        v === 'balanced' ||
        v === 'proportional' ||
        (isPlainObject(v) &&
          Object.values(v).every((s) => typeof s === 'number' && Number.isFinite(s) && s >= 0) &&
          Object.values(v).some((s) => (s as number) > 0)),
      defaultMessage: () =>
        '$property must be "balanced", "proportional" or an object of class -> share (numbers >= 0, not all 0)',
    },
  });

const IsFlatStringMap = () =>
  ValidateBy({
    name: 'isFlatStringMap',
    validator: {
      validate: (v: unknown) =>
        isPlainObject(v) &&
        Object.values(v).every((s) => (typeof s === 'string' && s.length > 0 && s.length <= 200) || typeof s === 'number'),
      defaultMessage: () => '$property must be an object of slice key -> value (a string of 1-200 characters or a number)',
    },
  });

export class BatchFiltersDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  modelVersion?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'predictions at or after this time' })
  @IsOptional()
  @IsIsoDateTime()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'predictions before this time' })
  @IsOptional()
  @IsIsoDateTime()
  to?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: 'slice key -> value' })
  @IsOptional()
  @IsFlatStringMap()
  slices?: Record<string, string | number>;
}

export class CreateBatchDto {
  @ApiProperty({ minimum: 1, maximum: 10_000, description: 'items in the batch, audit sample included' })
  @IsInt()
  @Min(1)
  @Max(10_000)
  size!: number;

  @ApiPropertyOptional({ enum: STRATEGIES, default: 'least_confidence' })
  @IsOptional()
  @IsIn(STRATEGIES)
  strategy?: Strategy;

  @ApiPropertyOptional({
    oneOf: [{ enum: ['balanced', 'proportional'] }, { type: 'object', additionalProperties: { type: 'number' } }],
    default: 'balanced',
    description: 'split of the non-audit part over predicted classes; given shares are normalised',
  })
  @IsOptional()
  @IsQuotaSpec()
  quotas?: QuotaSpec;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, description: "default: the model's labeling.auditFraction" })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  auditFraction?: number;

  @ApiPropertyOptional({
    enum: AUDIT_MODES,
    default: 'uniform',
    description:
      'how the audit sample is drawn from every prediction in the window without an audit label: uniformly, or ' +
      'stratified over auditSliceKey (equal allocation over its values, capped by what each has; the design is kept on the batch)',
  })
  @IsOptional()
  @IsIn(AUDIT_MODES)
  audit?: AuditMode;

  @ApiPropertyOptional({ description: "required with audit: by_slice; one of the model's sliceKeys" })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  auditSliceKey?: string;

  @ApiPropertyOptional({ description: 'restricts the audit to this value of auditSliceKey' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  auditSliceValue?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 10, description: "default: the model's labeling.labelsPerItem" })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  labelsPerItem?: number;

  @ApiPropertyOptional({ default: false, description: 'also select predictions with a final direct label' })
  @IsOptional()
  @IsBoolean()
  includeDirect?: boolean;

  @ApiPropertyOptional({ type: BatchFiltersDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => BatchFiltersDto)
  filters?: BatchFiltersDto;

  @ApiPropertyOptional({ description: 'seeds the random parts, for a reproducible selection' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  seed?: number;
}

export class BatchQueryDto {
  @ApiPropertyOptional({ description: 'only tasks of this batch' })
  @IsOptional()
  @IsUUID()
  batch?: string;
}

export class SubmitTaskDto {
  @ApiPropertyOptional({ description: "one of the model's classes" })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  label?: string;

  @ApiPropertyOptional({ enum: [true] })
  @IsOptional()
  @IsIn([true], { message: 'skip must be true when given' })
  skip?: true;
}

type PredictionDto = ReturnType<typeof toPredictionDto>;

export function toLeasedTaskDto(task: TaskRow, prediction: PredictionDto) {
  const { events: _events, labels: _labels, effectiveLabel: _effective, ...shown } = prediction;
  return {
    taskId: task.id,
    batchId: task.batchId,
    model: task.model,
    predictionId: task.predictionId,
    reason: task.reason,
    score: task.score,
    leaseExpiresAt: new Date(Number(task.leaseExpiresAt)).toISOString(),
    prediction: shown,
  };
}

export function toBatchDto(batch: LabelingBatchEntity, progress: BatchProgress) {
  const quotas = Object.fromEntries(
    Object.entries(batch.outcome.quotas).map(([cls, outcome]) => [cls, { ...outcome, progress: progress.perClass[cls] }]),
  );
  const { perClass: _perClass, audit: auditProgress, status, ...overall } = progress;
  return {
    id: batch.id,
    model: batch.model,
    size: batch.size,
    filled: progress.items,
    strategy: batch.strategy,
    quotaMode: typeof batch.quotas === 'string' ? batch.quotas : 'shares',
    quotas,
    audit: { fraction: batch.auditFraction, ...batch.outcome.audit, progress: auditProgress },
    labelsPerItem: batch.labelsPerItem,
    includeDirect: batch.includeDirect,
    filters: {
      ...batch.filters,
      from: batch.filters.from === undefined ? undefined : new Date(batch.filters.from).toISOString(),
      to: batch.filters.to === undefined ? undefined : new Date(batch.filters.to).toISOString(),
    },
    seed: batch.seed,
    status,
    progress: overall,
    createdAt: new Date(batch.createdAt).toISOString(),
    createdBy: batch.createdByName,
  };
}

export function toBatchDetailDto(batch: LabelingBatchEntity, progress: BatchProgress, agreement: Agreement) {
  return { ...toBatchDto(batch, progress), agreement };
}

export function toSubmitResultDto(
  task: TaskRow,
  status: 'done' | 'skipped',
  effectiveLabel: { label: string; source: string | null } | null,
) {
  return { taskId: task.id, status, predictionId: task.predictionId, effectiveLabel };
}

/** GET .../labeling/next and the undo routes: a task leased to the caller. */
export class LeasedTaskDto {
  @ApiProperty({ format: 'uuid' }) taskId!: string;
  @ApiProperty({ format: 'uuid' }) batchId!: string;
  @ApiProperty() model!: string;
  @ApiProperty() predictionId!: string;
  @ApiProperty({ enum: [...STRATEGIES, 'audit'] }) reason!: string;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'the uncertainty score it was ranked by; null for random and audit picks',
  })
  score!: number | null;
  @ApiProperty({ format: 'date-time' }) leaseExpiresAt!: string;
  @ApiProperty({ type: PredictionViewDto }) prediction!: PredictionViewDto;
}

/** POST /api/v1/labeling/tasks/:id. */
export class SubmitResultDto {
  @ApiProperty({ format: 'uuid' }) taskId!: string;
  @ApiProperty({ enum: ['done', 'skipped'] }) status!: string;
  @ApiProperty() predictionId!: string;
  @ApiProperty({ type: EffectiveLabelDto, nullable: true }) effectiveLabel!: EffectiveLabelDto | null;
}

const LOOSE = { type: 'object', additionalProperties: true } as const;

export class QuotaOutcomeDto {
  @ApiProperty({ description: 'share of the non-audit part' }) share!: number;
  @ApiProperty() asked!: number;
  @ApiProperty() filled!: number;
  @ApiProperty() shortBy!: number;
  @ApiProperty({ type: String, nullable: true, description: 'why filled differs from asked' }) reason!: string | null;
  @ApiProperty({ ...LOOSE, description: 'done, skipped, leased, ... of this class' }) progress!: Record<string, unknown>;
}

export class AuditOutcomeDto {
  @ApiProperty({ description: 'the audit fraction asked for' }) fraction!: number;
  @ApiProperty() asked!: number;
  @ApiProperty() filled!: number;
  @ApiProperty() shortBy!: number;
  @ApiProperty({ type: String, nullable: true, enum: ['too_few_candidates'] }) reason!: string | null;
  @ApiPropertyOptional({ ...LOOSE, description: 'how it was drawn (uniform or by slice), for estimates that weight strata' })
  design?: Record<string, unknown>;
  @ApiProperty({ ...LOOSE, description: 'done, skipped, leased, ... of the audit sample' }) progress!: Record<string, unknown>;
}

/** A labeling batch with its progress. */
export class BatchDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() model!: string;
  @ApiProperty() size!: number;
  @ApiProperty({ description: 'tasks selected' }) filled!: number;
  @ApiProperty({ enum: STRATEGIES }) strategy!: string;
  @ApiProperty({ enum: ['balanced', 'proportional', 'shares'] }) quotaMode!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/QuotaOutcomeDto' },
    description: 'per class',
  })
  quotas!: Record<string, QuotaOutcomeDto>;
  @ApiProperty({ type: AuditOutcomeDto }) audit!: AuditOutcomeDto;
  @ApiProperty() labelsPerItem!: number;
  @ApiProperty() includeDirect!: boolean;
  @ApiProperty(LOOSE) filters!: Record<string, unknown>;
  @ApiProperty({ description: 'the seed of the random picks' }) seed!: number;
  @ApiProperty({ enum: ['open', 'complete'] }) status!: string;
  @ApiProperty({ ...LOOSE, description: 'items, done, skipped, leased, ... over the whole batch' }) progress!: Record<
    string,
    unknown
  >;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty() createdBy!: string;
}

export class BatchDetailDto extends BatchDto {
  @ApiProperty({ ...LOOSE, description: "labeler agreement: Cohen's kappa for two labelers, Fleiss' for more" })
  agreement!: Record<string, unknown>;
}
