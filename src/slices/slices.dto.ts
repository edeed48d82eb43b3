import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNumber, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { ToNumber } from '../common/validation.js';
import { SERIES_BUCKETS, type SeriesBucket, SOURCE_FILTERS, type SliceQuery, type SourceFilter } from './slices.service.js';
import { IsIsoDateTime, parseIsoDateTime } from '../common/dates.js';

export class SlicesQueryDto {
  @ApiPropertyOptional({
    description: 'ISO 8601; prediction time from (inclusive), widened to the start of its hour',
    example: '2026-11-01T00:00:00Z',
  })
  @IsOptional()
  @IsIsoDateTime()
  from?: string;

  @ApiPropertyOptional({ description: 'ISO 8601; prediction time to (exclusive), widened to the end of its hour' })
  @IsOptional()
  @IsIsoDateTime()
  to?: string;

  @ApiPropertyOptional({ description: 'one model version; all versions when absent' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  version?: string;

  @ApiPropertyOptional({ enum: SOURCE_FILTERS, default: 'all', description: 'count only labels of this source' })
  @IsOptional()
  @IsIn(SOURCE_FILTERS)
  source?: SourceFilter;
}

export class SlicesReportQueryDto extends SlicesQueryDto {
  @ApiPropertyOptional({ default: 0.05, description: "the 95% interval half-width each slice's audit plan aims at" })
  @IsOptional()
  @ToNumber()
  @IsNumber()
  @Min(0.001)
  @Max(0.5)
  targetHalfWidth?: number;
}

export class SeriesQueryDto extends SlicesQueryDto {
  @ApiPropertyOptional({ enum: SERIES_BUCKETS, default: 'day' })
  @IsOptional()
  @IsIn(SERIES_BUCKETS)
  bucket?: SeriesBucket;
}

export function toSliceQuery(dto: SlicesQueryDto): SliceQuery {
  return {
    from: dto.from === undefined ? null : parseIsoDateTime(dto.from),
    to: dto.to === undefined ? null : parseIsoDateTime(dto.to),
    version: dto.version ?? null,
    source: dto.source ?? 'all',
    ...(dto instanceof SlicesReportQueryDto && dto.targetHalfWidth !== undefined ? { targetHalfWidth: dto.targetHalfWidth } : {}),
  };
}

// Response shapes, for the OpenAPI description.

class WindowDto {
  @ApiProperty({ type: String, nullable: true, description: 'hour-aligned; null is unbounded' })
  from!: string | null;

  @ApiProperty({ type: String, nullable: true })
  to!: string | null;
}

class AccuracyDto {
  @ApiProperty({ description: 'labeled predictions' })
  n!: number;

  @ApiProperty({ description: 'of them, predicted correctly' })
  correct!: number;

  @ApiProperty({ type: Number, nullable: true, description: 'correct / n; null when n is 0' })
  accuracy!: number | null;

  @ApiProperty({
    type: [Number],
    nullable: true,
    description: '95% Wilson interval [lo, hi]; null when n is 0',
    example: [0.81, 0.9],
  })
  ci!: [number, number] | null;
}

export class ClassMetricsDto {
  @ApiProperty({ type: Number, nullable: true, description: 'null when the class was never predicted' })
  precision!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'null when the class never occurred' })
  recall!: number | null;

  @ApiProperty({ type: Number, nullable: true })
  f1!: number | null;

  @ApiProperty({ description: 'labeled predictions of this class' })
  support!: number;
}

const PER_CLASS = {
  type: 'object',
  additionalProperties: { $ref: '#/components/schemas/ClassMetricsDto' },
  description: 'class -> {precision, recall, f1, support}',
} as const;
const CONFUSION = {
  type: 'object',
  additionalProperties: { type: 'object', additionalProperties: { type: 'number' } },
  description: 'actual class -> predicted class -> count',
} as const;

class EstimatedDto {
  @ApiProperty({ description: 'corrected accuracy over every prediction of the slice in the window, labeled or not' })
  accuracy!: number;

  @ApiProperty({ type: [Number], description: '95% interval [lo, hi]' })
  ci!: [number, number];

  @ApiProperty({
    enum: ['ppi++', 'ppi', 'audit_only'],
    description: 'prediction-powered (behaviour labels rectified by the audit) or the audit alone',
  })
  method!: string;

  @ApiProperty({ description: 'predictions in the population (the slice in the window)' })
  n!: number;

  @ApiProperty({ description: 'audit labels among them' })
  nAudit!: number;

  @ApiProperty({ description: 'why this method' })
  note!: string;
}

class AuditPlanDto {
  @ApiProperty({ description: 'more audit labels that would bring the half-width to the target' })
  needed!: number;

  @ApiProperty()
  targetHalfWidth!: number;
}

class OverallDto extends AccuracyDto {
  @ApiProperty(PER_CLASS)
  perClass!: Record<string, ClassMetricsDto>;

  @ApiProperty(CONFUSION)
  confusion!: Record<string, Record<string, number>>;

  @ApiProperty({ type: EstimatedDto, nullable: true, description: 'null without audit labels; see estimatedReason' })
  estimated!: EstimatedDto | null;

  @ApiProperty({ enum: ['no_audit_labels', 'unaudited_stratum'], nullable: true })
  estimatedReason!: string | null;

  @ApiProperty({ description: "label accuracy lies outside the estimate's 95% interval" })
  biased!: boolean;

  @ApiProperty({ type: AuditPlanDto })
  audit!: AuditPlanDto;
}

class SliceRowDto extends OverallDto {
  @ApiProperty({ description: 'slice key, or two joined by × for a cross', example: 'country' })
  key!: string;

  @ApiProperty({ example: 'de' })
  value!: string;

  @ApiProperty({ description: 'accuracy minus the overall accuracy' })
  delta!: number;

  @ApiProperty({
    description: 'interval wholly below alerts.minAccuracy, or wholly below the rest of the model, with n >= alerts.minSupport',
  })
  flagged!: boolean;

  @ApiProperty({ enum: ['below_min_accuracy', 'below_rest'], nullable: true })
  flagReason!: string | null;
}

export class SliceReportDto {
  @ApiProperty()
  model!: string;

  @ApiProperty({ type: WindowDto })
  window!: WindowDto;

  @ApiProperty({ type: String, nullable: true })
  version!: string | null;

  @ApiProperty({ enum: SOURCE_FILTERS })
  source!: string;

  @ApiProperty({ type: OverallDto })
  overall!: OverallDto;

  @ApiProperty({
    type: AccuracyDto,
    nullable: true,
    description: 'accuracy on audit labels alone (a random sample: the unbiased estimate); null without any',
  })
  audit!: AccuracyDto | null;

  @ApiProperty({ type: [SliceRowDto], description: 'each slice value with labels, by declared key, then value' })
  slices!: SliceRowDto[];
}

class SeriesPointDto extends AccuracyDto {
  @ApiProperty({ description: 'start of the bucket, ISO 8601' })
  t!: string;
}

export class SliceSeriesDto {
  @ApiProperty()
  model!: string;

  @ApiProperty()
  key!: string;

  @ApiProperty()
  value!: string;

  @ApiProperty({ enum: SERIES_BUCKETS })
  bucket!: string;

  @ApiProperty({ type: WindowDto })
  window!: WindowDto;

  @ApiProperty({ type: [SeriesPointDto], description: 'buckets with at least one label, oldest first' })
  points!: SeriesPointDto[];
}
