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
