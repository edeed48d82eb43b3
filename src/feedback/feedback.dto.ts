import { MITIGATIONS } from '../exports/export-row.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import type { FeedbackQuery } from './feedback.types.js';
import { IsIsoDateTime, parseIsoDateTime } from '../common/dates.js';

export class FeedbackReportQueryDto {
  @ApiPropertyOptional({ description: 'ISO 8601; prediction time from (inclusive)', example: '2026-11-01T00:00:00Z' })
  @IsOptional()
  @IsIsoDateTime()
  from?: string;

  @ApiPropertyOptional({ description: 'ISO 8601; prediction time to (exclusive)' })
  @IsOptional()
  @IsIsoDateTime()
  to?: string;

  @ApiPropertyOptional({ description: 'one model version; all versions when absent' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  version?: string;
}

export function toFeedbackQuery(dto: FeedbackReportQueryDto): FeedbackQuery {
  return {
    from: dto.from === undefined ? null : parseIsoDateTime(dto.from),
    to: dto.to === undefined ? null : parseIsoDateTime(dto.to),
    version: dto.version ?? null,
  };
}

// Response shapes, for the OpenAPI description.

const SEVERITIES = ['ok', 'warn', 'block', 'unknown'];

export class FeedbackCheckDto {
  @ApiProperty({
    enum: [
      'exploration_share',
      'model_driven_label_share',
      'self_agreement_gap',
      'selection_coverage',
      'implicit_label_echo',
      'class_prior_shift',
      'exposure_concentration',
      'missing_propensities',
      'behaviour_label_quality',
    ],
  })
  name!: string;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'null when the check cannot be computed (or, for coverage, a class was never labeled)',
  })
  value!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: "the model's feedback setting the value is judged against" })
  threshold!: number | null;

  @ApiProperty({ enum: SEVERITIES, description: 'unknown: cannot be computed; the explanation says why' })
  severity!: string;

  @ApiProperty({ description: 'what the number means for this model' })
  explanation!: string;

  @ApiProperty({ description: 'the recommended next step' })
  action!: string;

  @ApiPropertyOptional({
    type: [Number],
    description: '95% interval [lo, hi] (self_agreement_gap: Newcombe)',
    example: [0.12, 0.31],
  })
  interval?: [number, number];
}

class FeedbackRecommendationDto {
  @ApiProperty({ enum: MITIGATIONS, description: 'the mitigation an export request without one uses' })
  mitigation!: string;

  @ApiProperty({ description: 'why, with the figures behind it' })
  reason!: string;
}

class FeedbackWindowDto {
  @ApiProperty({ type: String, nullable: true, description: 'null is unbounded' })
  from!: string | null;

  @ApiProperty({ type: String, nullable: true })
  to!: string | null;
}

export class FeedbackReportDto {
  @ApiProperty()
  model!: string;

  @ApiProperty({ type: FeedbackWindowDto })
  window!: FeedbackWindowDto;

  @ApiProperty({ type: String, nullable: true })
  version!: string | null;

  @ApiProperty({ enum: ['ok', 'warn', 'block'], description: 'the most severe finding; unknown checks do not raise it' })
  worst!: string;

  @ApiProperty({ type: [FeedbackCheckDto] })
  checks!: FeedbackCheckDto[];

  @ApiProperty({ type: FeedbackRecommendationDto })
  recommendation!: FeedbackRecommendationDto;
}
