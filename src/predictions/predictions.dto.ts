import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EXPOSURE_POLICIES, type PredictionEntity } from './prediction.entity.js';

// Documentation only: ingest validates rows with the fast checks in prediction-rows.ts
// (class-validator is too slow for 10,000-row batches), which enforce exactly these rules.

export class ExposureDto {
  @ApiPropertyOptional({ enum: EXPOSURE_POLICIES, description: 'who chose to show this: the model, exploration, or nobody' })
  policy?: string;

  @ApiPropertyOptional({
    minimum: 0,
    exclusiveMinimum: true,
    maximum: 1,
    description: 'probability that the logging policy chose this',
  })
  propensity?: number;

  @ApiPropertyOptional({ description: 'whether the user saw it (absent = shown)' })
  shown?: boolean;
}

export class PredictionInputDto {
  @ApiProperty({ description: "the caller's request id, unique per model", maxLength: 200 })
  id!: string;

  @ApiProperty()
  model!: string;

  @ApiProperty({ maxLength: 100 })
  modelVersion!: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'default now; at most 5 minutes in the future' })
  timestamp?: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
    description: 'flat; null allowed',
  })
  features!: Record<string, string | number | boolean | null>;

  @ApiProperty({ description: 'a registered class' })
  prediction!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    description: 'class -> probability, summing to 1 within 1e-3',
  })
  scores!: Record<string, number>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'explicit slice values (keys from sliceKeys); otherwise taken from features',
  })
  slices?: Record<string, string>;

  @ApiPropertyOptional()
  itemId?: string;

  @ApiPropertyOptional({ type: ExposureDto })
  exposure?: ExposureDto;

  @ApiPropertyOptional({ description: 'also read from a W3C traceparent header' })
  traceId?: string;
}

export class PredictionBatchDto {
  @ApiProperty({ type: [PredictionInputDto], maxItems: 10_000 })
  predictions!: PredictionInputDto[];
}

export class IngestResultDto {
  @ApiProperty({ description: 'rows stored by this request' })
  accepted!: number;

  @ApiProperty({ description: 'identical re-sends of rows already stored' })
  duplicates!: number;
}

export interface PredictionView {
  events: unknown[];
  labels: unknown[];
  effectiveLabel: { label: string; source: string } | null;
}

export function toPredictionDto(p: PredictionEntity, view: PredictionView = { events: [], labels: [], effectiveLabel: null }) {
  return {
    id: p.id,
    model: p.model,
    modelVersion: p.modelVersion,
    timestamp: new Date(p.ts).toISOString(),
    features: p.features,
    prediction: p.prediction,
    scores: p.scores,
    slices: p.slices,
    itemId: p.itemId,
    exposure:
      p.exposurePolicy === null && p.propensity === null && p.shown === null
        ? null
        : { policy: p.exposurePolicy, propensity: p.propensity, shown: p.shown },
    traceId: p.traceId,
    uncertainty: { leastConfidence: p.leastConfidence, margin: p.margin, entropy: p.entropy },
    receivedAt: new Date(p.receivedAt).toISOString(),
    ...view,
  };
}

// Response shapes, for the OpenAPI document (test/e2e/openapi-responses.e2e.spec.ts checks them against real answers).

export class UncertaintyDto {
  @ApiProperty({ description: '1 - the top score' }) leastConfidence!: number;
  @ApiProperty({ description: 'top score - second score' }) margin!: number;
  @ApiProperty({ description: 'entropy of the scores, in nats' }) entropy!: number;
}

export class ExposureViewDto {
  @ApiProperty({ type: String, enum: EXPOSURE_POLICIES, nullable: true }) policy!: string | null;
  @ApiProperty({ type: Number, nullable: true }) propensity!: number | null;
  @ApiProperty({ type: Boolean, nullable: true }) shown!: boolean | null;
}

export class EffectiveLabelDto {
  @ApiProperty() label!: string;
  @ApiProperty({ type: String, nullable: true, description: 'manual, audit, direct, weak or implicit' }) source!: string | null;
}

/** A stored prediction, as a leased task shows it. */
export class PredictionViewDto {
  @ApiProperty() id!: string;
  @ApiProperty() model!: string;
  @ApiProperty() modelVersion!: string;
  @ApiProperty({ format: 'date-time' }) timestamp!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) features!: Record<string, unknown>;
  @ApiProperty() prediction!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } }) scores!: Record<string, number>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) slices!: Record<string, string>;
  @ApiProperty({ type: String, nullable: true }) itemId!: string | null;
  @ApiProperty({ type: ExposureViewDto, nullable: true }) exposure!: ExposureViewDto | null;
  @ApiProperty({ type: String, nullable: true }) traceId!: string | null;
  @ApiProperty({ type: UncertaintyDto }) uncertainty!: UncertaintyDto;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
}

/** GET /api/v1/models/:model/predictions/:id. */
export class PredictionDto extends PredictionViewDto {
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'its behaviour events, with their join state',
  })
  events!: Record<string, unknown>[];

  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'every label, with source and provenance',
  })
  labels!: Record<string, unknown>[];

  @ApiProperty({ type: EffectiveLabelDto, nullable: true, description: 'the label that counts, by labelSourceOrder' })
  effectiveLabel!: EffectiveLabelDto | null;
}
