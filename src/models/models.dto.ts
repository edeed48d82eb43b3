import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsDurationText } from '../common/validation.js';
import type { ModelEntity } from './model.entity.js';
import {
  CONDITION_OPS,
  type ConditionOp,
  DEFAULT_SETTINGS,
  LABEL_SOURCES,
  type LabelSource,
  type ModelSettings,
} from './model-settings.js';

const finite = { allowNaN: false, allowInfinity: false };

export class RuleConditionDto {
  @ApiProperty({ enum: CONDITION_OPS })
  @IsIn(CONDITION_OPS)
  op!: ConditionOp;

  @ApiProperty()
  @IsNumber(finite)
  value!: number;
}

export class LabelRuleDto {
  @ApiProperty({ description: 'event type, e.g. click, purchase, report_spam' })
  @IsString()
  @Length(1, 100)
  event!: string;

  @ApiProperty({ description: 'a registered class' })
  @IsString()
  label!: string;

  @ApiProperty({ description: 'attribution window from the prediction time', example: '30m' })
  @IsDurationText()
  within!: string;

  @ApiProperty({ description: 'higher wins when several rules match' })
  @IsInt()
  @Min(-1000)
  @Max(1000)
  priority!: number;

  @ApiPropertyOptional({ type: RuleConditionDto, description: "condition on the event's value" })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RuleConditionDto)
  when?: RuleConditionDto;
}

export class ImplicitLabelDto {
  @ApiProperty()
  @IsString()
  label!: string;

  @ApiProperty({ example: '30m' })
  @IsDurationText()
  after!: string;
}

export class LabelingSettingsDto {
  @ApiPropertyOptional({ example: '10m' })
  @IsOptional()
  @IsDurationText()
  leaseTtl?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 10 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  labelsPerItem?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1 })
  @IsOptional()
  @IsNumber(finite)
  @Min(0)
  @Max(1)
  auditFraction?: number;
}

export class AlertSettingsDto {
  @ApiPropertyOptional({
    type: 'number',
    minimum: 0,
    maximum: 1,
    nullable: true,
    description: 'fire when a slice is surely below this accuracy',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsNumber(finite)
  @Min(0)
  @Max(1)
  minAccuracy?: number | null;

  @ApiPropertyOptional({
    type: 'number',
    minimum: 0,
    maximum: 1,
    nullable: true,
    description: 'fire when a slice dropped more than this against the baseline window',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsNumber(finite)
  @Min(0)
  @Max(1)
  maxDrop?: number | null;

  @ApiPropertyOptional({ example: '7d' })
  @IsOptional()
  @IsDurationText()
  baselineWindow?: string;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  minSupport?: number;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 1,
    description:
      'flag a slice below the rest of the model only when its whole interval is at least this far below (default 0.05)',
  })
  @IsOptional()
  @IsNumber(finite)
  @Min(0)
  @Max(1)
  minGap?: number;
}

export class FeedbackSettingsDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber(finite)
  @Min(0)
  @Max(1)
  minExplorationShare?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber(finite)
  @Min(0)
  @Max(1)
  maxSelfAgreementGap?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber(finite)
  @Min(1)
  maxCoverageRatio?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber(finite)
  @Min(0)
  @Max(1)
  maxPriorShift?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber(finite)
  @Min(0)
  @Max(1)
  maxModelDrivenShare?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber(finite)
  @Min(0)
  @Max(1)
  blockSelfAgreementGap?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber(finite)
  @Min(0)
  @Max(1)
  maxImplicitEcho?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber(finite)
  @Min(0)
  @Max(1)
  maxMissingPropensityShare?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber(finite)
  @Min(0)
  @Max(1)
  maxGiniIncrease?: number;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  minSupport?: number;
}

export class ExportSettingsDto {
  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @IsNumber(finite)
  @Min(1)
  maxIpsWeight?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 0.9 })
  @IsOptional()
  @IsNumber(finite)
  @Min(0)
  @Max(0.9)
  validationFraction?: number;
}

export class UpsertModelDto {
  @ApiProperty({ type: [String], minItems: 2, maxItems: 100, example: ['purchase', 'click', 'ignore'] })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  classes!: string[];

  @ApiPropertyOptional({ type: [String], description: 'feature names to slice accuracy by', example: ['country', 'device'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  sliceKeys?: string[];

  @ApiPropertyOptional({ type: 'array', items: { type: 'array', items: { type: 'string' } }, example: [['country', 'device']] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsArray({ each: true })
  @ArrayMinSize(2, { each: true })
  @ArrayMaxSize(2, { each: true })
  sliceCrosses?: [string, string][];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'per feature: {type: number, min?, max?} | {type: category, values} | {type: text, maxLength?} | {type: boolean}; each may set required',
  })
  @IsOptional()
  @IsObject()
  featureSchema?: Record<string, unknown>;

  @ApiPropertyOptional({ type: [LabelRuleDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => LabelRuleDto)
  labelRules?: LabelRuleDto[];

  @ApiPropertyOptional({ type: ImplicitLabelDto, nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsObject()
  @ValidateNested()
  @Type(() => ImplicitLabelDto)
  implicitLabel?: ImplicitLabelDto | null;

  @ApiPropertyOptional({ enum: LABEL_SOURCES, isArray: true, description: 'which label source wins, first highest' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(LABEL_SOURCES, { each: true })
  labelSourceOrder?: LabelSource[];

  @ApiPropertyOptional({ example: '7d', description: 'how long events wait for their prediction before they count as orphaned' })
  @IsOptional()
  @IsDurationText()
  eventRetention?: string;

  @ApiPropertyOptional({
    example: '10m',
    description:
      'windows close no sooner than this after the prediction was logged (at most the window itself), so back-filled history can be followed by its events',
  })
  @IsOptional()
  @IsDurationText()
  eventGrace?: string;

  @ApiPropertyOptional({ type: LabelingSettingsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => LabelingSettingsDto)
  labeling?: LabelingSettingsDto;

  @ApiPropertyOptional({ type: AlertSettingsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AlertSettingsDto)
  alerts?: AlertSettingsDto;

  @ApiPropertyOptional({ type: FeedbackSettingsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => FeedbackSettingsDto)
  feedback?: FeedbackSettingsDto;

  @ApiPropertyOptional({ type: ExportSettingsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ExportSettingsDto)
  exports?: ExportSettingsDto;

  @ApiPropertyOptional({ description: 'allow removing classes that stored predictions use' })
  @IsOptional()
  @IsBoolean()
  force?: boolean;
}

/** The stored settings: every section present, defaults filled in. */
export function settingsFrom(dto: UpsertModelDto): ModelSettings {
  const d = DEFAULT_SETTINGS;
  return {
    labelRules: (dto.labelRules ?? []).map((r) => ({ ...r, ...(r.when ? { when: { ...r.when } } : {}) })),
    implicitLabel: dto.implicitLabel ? { label: dto.implicitLabel.label, after: dto.implicitLabel.after } : null,
    labelSourceOrder: dto.labelSourceOrder ?? d.labelSourceOrder,
    eventRetention: dto.eventRetention ?? d.eventRetention,
    eventGrace: dto.eventGrace ?? d.eventGrace,
    labeling: { ...d.labeling, ...stripUndefined(dto.labeling) },
    alerts: { ...d.alerts, ...stripUndefined(dto.alerts) },
    feedback: { ...d.feedback, ...stripUndefined(dto.feedback) },
    exports: { ...d.exports, ...stripUndefined(dto.exports) },
  };
}

function stripUndefined<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function toModelDto(model: ModelEntity) {
  return {
    name: model.name,
    classes: model.classes,
    sliceKeys: model.sliceKeys,
    sliceCrosses: model.sliceCrosses,
    featureSchema: model.featureSchema,
    ...model.settings,
    revision: model.revision,
    createdAt: new Date(model.createdAt).toISOString(),
    updatedAt: new Date(model.updatedAt).toISOString(),
  };
}

const OBJECT = { type: 'object', additionalProperties: true } as const;

/** A model as the registry answers it: the definition, every settings section with its defaults. */
export class ModelDto {
  @ApiProperty() name!: string;
  @ApiProperty({ type: [String] }) classes!: string[];
  @ApiProperty({ type: [String] }) sliceKeys!: string[];
  @ApiProperty({ type: 'array', items: { type: 'array', items: { type: 'string' } } }) sliceCrosses!: string[][];
  @ApiProperty({ ...OBJECT, nullable: true, description: 'feature -> {type, ...}; null when undeclared' })
  featureSchema!: Record<string, unknown> | null;
  @ApiProperty({ type: 'array', items: OBJECT }) labelRules!: Record<string, unknown>[];
  @ApiProperty({ ...OBJECT, nullable: true }) implicitLabel!: Record<string, unknown> | null;
  @ApiProperty({ type: [String] }) labelSourceOrder!: string[];
  @ApiProperty({ example: '7d' }) eventRetention!: string;
  @ApiProperty({ example: '10m' }) eventGrace!: string;
  @ApiProperty({ ...OBJECT, description: 'leaseTtl, labelsPerItem, auditFraction' }) labeling!: Record<string, unknown>;
  @ApiProperty({ ...OBJECT, description: 'minAccuracy, maxDrop, baselineWindow, minSupport, minGap' }) alerts!: Record<
    string,
    unknown
  >;
  @ApiProperty({ ...OBJECT, description: 'the feedback-report thresholds' }) feedback!: Record<string, unknown>;
  @ApiProperty({ ...OBJECT, description: 'export settings such as maxIpsWeight' }) exports!: Record<string, unknown>;
  @ApiProperty({ description: 'bumped by every replacement' }) revision!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class ModelListDto {
  @ApiProperty({ type: [ModelDto] }) models!: ModelDto[];
}
