import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
} from 'class-validator';
import { MAX_BASELINE_ROWS } from './baselines.service.js';
import type { MonitoringBaselineEntity } from './monitoring.entity.js';

class WindowQueryDto {
  @ApiPropertyOptional({
    description:
      'ISO 8601; prediction time from (inclusive), widened to its hour (day for windows over 3 days); default to − 24 h',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'ISO 8601; prediction time to (exclusive), widened to its hour or day; default now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class DriftQueryDto extends WindowQueryDto {
  @ApiPropertyOptional({ description: "a baseline's name; the model's default baseline when absent" })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  baseline?: string;

  @ApiPropertyOptional({ description: 'one model version; all versions when absent' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  version?: string;

  @ApiPropertyOptional({ enum: ['psi'], description: 'PSI on every cell instead of the defaults (threshold 0.2)' })
  @IsOptional()
  @IsIn(['psi'])
  metric?: 'psi';
}

export class EstimateQueryDto extends WindowQueryDto {
  @ApiPropertyOptional({ description: 'one model version; all versions when absent' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  version?: string;
}

export class BaselineRequestDto {
  @ApiProperty({ example: 'training-2026-11', description: 'letters, digits, . _ -' })
  @IsString()
  @Length(1, 100)
  @Matches(/^[\w.-]+$/, { message: 'name may hold letters, digits, ".", "_" and "-" only' })
  name!: string;

  @ApiPropertyOptional({ description: 'ISO 8601: a baseline from the log window [from, to), merged from its profiles' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'ISO 8601; default now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ description: 'one model version of the window' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  version?: string;

  @ApiPropertyOptional({
    description: `training rows: feature objects, or {features, slices?, prediction?, scores?}; up to ${MAX_BASELINE_ROWS} a request`,
    type: 'array',
    items: { type: 'object', additionalProperties: true },
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BASELINE_ROWS)
  rows?: unknown[];

  @ApiPropertyOptional({ description: 'add the rows to the baseline of this name instead of replacing it' })
  @IsOptional()
  @IsBoolean()
  append?: boolean;

  @ApiPropertyOptional({ description: "make it the model's default baseline (the first one always is)" })
  @IsOptional()
  @IsBoolean()
  default?: boolean;
}

/** The query of a CSV or Parquet upload to POST .../baselines (a JSON request sends these in its body). */
export class BaselineUploadQueryDto {
  @ApiPropertyOptional({
    example: 'training-2026-11',
    description: 'CSV/Parquet uploads: the baseline name (letters, digits, . _ -)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @Matches(/^[\w.-]+$/, { message: 'name may hold letters, digits, ".", "_" and "-" only' })
  name?: string;

  @ApiPropertyOptional({ description: 'CSV/Parquet uploads: the model version the training rows are for' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  version?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: "CSV/Parquet uploads: make it the model's default baseline" })
  @IsOptional()
  @IsIn(['true', 'false'])
  default?: 'true' | 'false';
}

export function toBaselineDto(b: MonitoringBaselineEntity) {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return {
    name: b.name,
    default: b.isDefault === 1,
    source: b.source,
    from: iso(b.fromTs),
    to: iso(b.toTs),
    version: b.modelVersion,
    rows: b.rows,
    createdAt: iso(b.createdAt),
    updatedAt: iso(b.updatedAt),
  };
}

export const parseTime = (v: string | undefined) => (v === undefined ? null : Date.parse(v));

export class BaselineDto {
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'whether drift is measured against it by default' }) default!: boolean;
  @ApiProperty({ enum: ['window', 'rows'], description: 'window: the log; rows: sent rows or an uploaded file' }) source!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) from!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) to!: string | null;
  @ApiProperty({ type: String, nullable: true }) version!: string | null;
  @ApiProperty({ description: 'rows profiled' }) rows!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) createdAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) updatedAt!: string | null;
}

export class BaselineListDto {
  @ApiProperty({ type: [BaselineDto] }) baselines!: BaselineDto[];
}

const LOOSE = { type: 'object', additionalProperties: true } as const;

/** GET .../drift. Each feature row: {feature, slice, type, metric, value, threshold, drifted, n, nBaseline, missingRate, violations, oovRate?}. */
export class DriftReportDto {
  @ApiProperty() model!: string;
  @ApiProperty({ type: String, nullable: true, description: 'the model version asked for; null for all' }) version!:
    string | null;
  @ApiProperty({ ...LOOSE, description: 'the baseline compared against' }) baseline!: Record<string, unknown>;
  @ApiProperty({ ...LOOSE, description: 'the window of the log: from, to, version' }) window!: Record<string, unknown>;
  @ApiProperty({ type: 'array', items: LOOSE, description: 'per feature, overall and per slice' }) features!: Record<
    string,
    unknown
  >[];
  @ApiProperty({ ...LOOSE, description: 'drift of the predicted classes, per model version' }) predictions!: Record<
    string,
    unknown
  >;
}

/** GET .../estimated-performance. */
export class EstimatedPerformanceDto {
  @ApiProperty() model!: string;
  @ApiProperty({ ...LOOSE, description: 'the window of the log: from, to, version' }) window!: Record<string, unknown>;
  @ApiProperty({
    type: 'array',
    items: LOOSE,
    description: 'per class: n, source, eceBefore, eceAfter, kept (isotonic kept where it lowered the error), fittedAt',
  })
  calibration!: Record<string, unknown>[];
  @ApiProperty({ ...LOOSE, description: 'estimatedAccuracy, ci, realizedAccuracy, calibrated' }) overall!: Record<
    string,
    unknown
  >;
  @ApiProperty({ type: 'array', items: LOOSE, description: 'the same per slice value' }) slices!: Record<string, unknown>[];
}
