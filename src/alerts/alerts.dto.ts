import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import type { AlertEntity } from './alert.entity.js';
import { ToNumber } from '../common/validation.js';

export const ALERT_STATE_FILTERS = ['firing', 'resolved', 'all'] as const;
export type AlertStateFilter = (typeof ALERT_STATE_FILTERS)[number];

const ALERT_KIND_FILTERS = ['all', 'accuracy', 'drift'] as const;

export class AlertsQueryDto {
  @ApiPropertyOptional({ enum: ALERT_STATE_FILTERS, default: 'all' })
  @IsOptional()
  @IsIn(ALERT_STATE_FILTERS)
  state?: AlertStateFilter;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ enum: ALERT_KIND_FILTERS, default: 'all' })
  @IsOptional()
  @IsIn(ALERT_KIND_FILTERS)
  kind?: (typeof ALERT_KIND_FILTERS)[number];
}

export function toAlertDto(a: AlertEntity) {
  const { resolution, ...details } = a.details;
  return {
    id: a.id,
    model: a.model,
    kind: a.kind,
    feature: a.feature || null,
    state: a.state,
    reason: a.reason,
    slice: { key: a.sliceKey, value: a.sliceValue },
    message: a.message,
    resolution: resolution ?? null,
    recommendation: a.recommendation,
    startedAt: new Date(a.startedAt).toISOString(),
    endedAt: a.endedAt === null ? null : new Date(a.endedAt).toISOString(),
    updatedAt: new Date(a.updatedAt).toISOString(),
    details,
  };
}

export type AlertDto = ReturnType<typeof toAlertDto>;

// Response shapes, for the OpenAPI description.

class SliceRefDto {
  @ApiProperty({ example: 'weather' })
  key!: string;

  @ApiProperty({ example: 'rain' })
  value!: string;
}

class ActionDto {
  @ApiProperty({ enum: ['POST'] })
  method!: string;

  @ApiProperty({ example: '/api/v1/models/shop-recommender/labeling-batches' })
  path!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { size: 100, strategy: 'least_confidence', quotas: 'balanced', filters: { slices: { weather: 'rain' } } },
  })
  body!: Record<string, unknown>;
}

class AlertRecommendationDto {
  @ApiProperty({ example: 'queue 100 examples of weather=rain for labeling' })
  text!: string;

  @ApiProperty({ type: ActionDto, description: 'the API call that does it (admin)' })
  action!: ActionDto;

  @ApiProperty({ description: 'the slices page, with a button that does it', example: '/models/shop-recommender/slices' })
  page!: string;
}

class AlertDtoDoc {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  model!: string;

  @ApiProperty({ enum: ['firing', 'resolved'] })
  state!: string;

  @ApiProperty({ enum: ['accuracy', 'drift'] })
  kind!: string;

  @ApiProperty({ nullable: true, type: String, description: 'The drifted feature of a drift alert' })
  feature!: string | null;

  @ApiProperty({ enum: ['below_min_accuracy', 'below_rest', 'drop', 'drift', 'schema'] })
  reason!: string;

  @ApiProperty({ type: SliceRefDto })
  slice!: SliceRefDto;

  @ApiProperty({
    description:
      'the slice, its accuracy and interval against the overall, the labels behind it, the most confused pair, the next step',
  })
  message!: string;

  @ApiProperty({ type: String, nullable: true, description: 'for a resolved alert: the numbers that cleared it' })
  resolution!: string | null;

  @ApiProperty({ type: AlertRecommendationDto })
  recommendation!: AlertRecommendationDto;

  @ApiProperty({ format: 'date-time' })
  startedAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  endedAt!: string | null;

  @ApiProperty({ format: 'date-time', description: 'the last evaluation that changed it' })
  updatedAt!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'reason, window, slice / overall / rest / baseline accuracy with intervals, sources, confused pair, drop, thresholds',
  })
  details!: Record<string, unknown>;
}

export class AlertListDto {
  @ApiProperty({ type: [AlertDtoDoc], description: 'firing first, then the most recently started' })
  alerts!: AlertDtoDoc[];
}
