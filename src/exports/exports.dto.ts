import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
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
  ValidateNested,
} from 'class-validator';
import { LABEL_SOURCES } from '../models/model-settings.js';
import type { ExportEntity } from './export.entity.js';
import { EXPORT_FORMATS, type ExportFormat, MITIGATIONS, type Mitigation } from './export-row.js';
import type { ExportRequest } from './exports.service.js';
import { IsIsoDateTime } from '../common/dates.js';

export class ExportSplitDto {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: 0.9,
    description: "Share of rows for validation; default the model's exports.validationFraction",
  })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(0.9)
  validation?: number;

  @ApiPropertyOptional({ enum: ['time', 'random'], default: 'random', description: 'time: the latest rows validate' })
  @IsOptional()
  @IsIn(['time', 'random'])
  by?: 'time' | 'random';

  @ApiPropertyOptional({ description: 'Seed of the random split (and of downsampling)', default: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2 ** 31 - 1)
  seed?: number;
}

export class CreateExportDto {
  @ApiProperty({ enum: EXPORT_FORMATS })
  @IsIn(EXPORT_FORMATS)
  format!: ExportFormat;

  @ApiPropertyOptional({ description: 'ISO 8601; prediction time from (inclusive)' })
  @IsOptional()
  @IsIsoDateTime()
  from?: string;

  @ApiPropertyOptional({ description: 'ISO 8601; prediction time to (exclusive)' })
  @IsOptional()
  @IsIsoDateTime()
  to?: string;

  @ApiPropertyOptional({
    type: [String],
    description:
      'Model versions to include; all when empty. The report is run for the version when exactly one is given, else over all',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  versions?: string[];

  @ApiPropertyOptional({ enum: LABEL_SOURCES, isArray: true, description: 'Effective label sources to include; all when empty' })
  @IsOptional()
  @IsArray()
  @IsIn(LABEL_SOURCES, { each: true })
  labelSources?: string[];

  @ApiPropertyOptional({ type: ExportSplitDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ExportSplitDto)
  split?: ExportSplitDto;

  @ApiPropertyOptional({
    enum: MITIGATIONS,
    description:
      "default: the feedback report's recommendation.mitigation (the manifest's mitigation says which and why). " +
      'ips_weights: weight 1/propensity clipped at exports.maxIpsWeight, normalised to mean 1; explore_only: only explore exposures; downsample_model_driven: keep as many direct/implicit labels on model exposures as other labels; class_balance: equal total weight per class; ' +
      'label_quality: each behaviour label weighted by the probability it is right (agreement with human labels per source and class), flipped or dropped where humans show it mostly wrong, human labels weight 1, classes balanced',
  })
  @IsOptional()
  @IsIn(MITIGATIONS)
  mitigation?: Mitigation;

  @ApiPropertyOptional({ default: false, description: "Accepts the report's warn findings" })
  @IsOptional()
  @IsBoolean()
  acknowledgeWarnings?: boolean;

  @ApiPropertyOptional({
    default: false,
    description: "Accepts the report's block findings: separate from acknowledgeWarnings and never implied by it",
  })
  @IsOptional()
  @IsBoolean()
  acknowledgeBlocking?: boolean;
}

export function toExportRequest(dto: CreateExportDto): ExportRequest {
  return {
    format: dto.format,
    from: dto.from ?? null,
    to: dto.to ?? null,
    versions: dto.versions ?? [],
    labelSources: dto.labelSources ?? [],
    split: { validation: dto.split?.validation ?? null, by: dto.split?.by ?? 'random', seed: dto.split?.seed ?? 0 },
    mitigation: dto.mitigation ?? null,
    acknowledge: { warnings: dto.acknowledgeWarnings === true, blocking: dto.acknowledgeBlocking === true },
  };
}

export class ExportCreatedDto {
  @ApiProperty()
  id!: string;
}

export class ExportDto {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  model!: string;

  @ApiProperty({ enum: EXPORT_FORMATS })
  format!: string;

  @ApiProperty({ enum: ['queued', 'running', 'done', 'failed'] })
  status!: string;

  @ApiProperty({ description: '0..1' })
  progress!: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'the request as it was resolved: window, versions, labelSources, split, mitigation (and who chose it)',
  })
  parameters!: Record<string, unknown>;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'which findings of the feedback report were acknowledged, and by whom; null when there were none',
  })
  acknowledgement!: Record<string, unknown> | null;

  @ApiProperty({ description: "the requesting token's name" })
  requestedBy!: string;

  @ApiProperty({ type: String, nullable: true, description: 'why the export failed' })
  error!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  finishedAt!: string | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'Set when the export is done: parameters, report, acknowledgement, counts, sha256, columns',
  })
  manifest!: unknown;
}

export class ExportListDto {
  @ApiProperty({ type: [ExportDto], description: 'newest first' })
  exports!: ExportDto[];
}

export function toExportDto(e: ExportEntity) {
  return {
    id: e.id,
    model: e.model,
    format: e.format,
    status: e.status,
    progress: e.progress,
    parameters: e.parameters,
    acknowledgement: e.acknowledgement,
    requestedBy: e.requestedBy,
    error: e.error,
    createdAt: new Date(e.createdAt).toISOString(),
    finishedAt: e.finishedAt === null ? null : new Date(e.finishedAt).toISOString(),
    manifest: e.manifest,
  };
}
