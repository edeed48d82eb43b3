import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { FUNCTION_KINDS } from './functions.js';
import type { FunctionFigures } from './analysis.js';
import { MAX_VOTES_PER_BATCH } from './weak-votes.service.js';
import type { FunctionRow, RunRow } from './weak.repository.js';

/** Every field any kind takes; which ones a kind allows is checked by parseFunction, with the model at hand. */
export class PutFunctionDto {
  @ApiProperty({ enum: FUNCTION_KINDS })
  @IsIn(FUNCTION_KINDS)
  kind!: string;

  @ApiPropertyOptional({
    type: 'string',
    description: 'The class it votes for (optional for external functions, whose votes carry their own)',
  })
  @Allow()
  label?: unknown;

  @ApiPropertyOptional({ type: 'boolean', default: true })
  @Allow()
  enabled?: unknown;

  @ApiPropertyOptional({ type: 'string', description: 'keyword, regex, range, category: the feature it reads' })
  @Allow()
  feature?: unknown;

  @ApiPropertyOptional({ type: [String], description: 'keyword: words or phrases, matched whole-word, case-folded' })
  @Allow()
  keywords?: unknown;

  @ApiPropertyOptional({
    type: 'string',
    description: 'regex: a pattern of the linear-time subset (no backreferences or lookaround), case-folded',
  })
  @Allow()
  pattern?: unknown;

  @ApiPropertyOptional({ type: 'number', description: 'range: lower bound (inclusive); score: the least score of `class`' })
  @Allow()
  min?: unknown;

  @ApiPropertyOptional({ type: 'number', description: 'range: upper bound (inclusive)' })
  @Allow()
  max?: unknown;

  @ApiPropertyOptional({ type: [String], description: 'category: the values it fires on' })
  @Allow()
  values?: unknown;

  @ApiPropertyOptional({ type: 'string', description: "score: the class whose score the model's own output is compared on" })
  @Allow()
  class?: unknown;
}

export class VoteDto {
  @ApiProperty({ example: 'p-123' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  predictionId!: string;

  @ApiProperty({ example: 'spam' })
  @IsString()
  label!: string;
}

export class LfVotesDto {
  @ApiProperty({ description: 'A registered function of kind external', example: 'sender_reputation' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  function!: string;

  @ApiProperty({ type: [VoteDto], maxItems: MAX_VOTES_PER_BATCH, description: 'Abstentions are simply not sent' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_VOTES_PER_BATCH)
  @ValidateNested({ each: true })
  @Type(() => VoteDto)
  votes!: VoteDto[];
}

export class StartRunDto {
  @ApiProperty({
    enum: ['apply', 'fit'],
    description: 'apply: run the functions over all history; fit: refit the label model now',
  })
  @IsIn(['apply', 'fit'])
  kind!: 'apply' | 'fit';

  @ApiPropertyOptional({ type: [String], description: 'apply: only these functions' })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  functions?: string[];
}

export class SetEnabledDto {
  @ApiProperty()
  @IsBoolean()
  enabled!: boolean;
}

type StoredFigures = FunctionFigures & { name: string; estimatedAccuracy: number | null };

export function toFunctionDto(f: FunctionRow, figures: StoredFigures | undefined) {
  const { kind, label, ...parameters } = f.definition as { kind: string; label: string | null } & Record<string, unknown>;
  return {
    name: f.name,
    kind,
    label,
    enabled: f.enabled,
    parameters,
    version: f.version,
    updatedAt: new Date(f.updatedAt).toISOString(),
    votes: figures?.votes ?? null,
    coverage: figures?.coverage ?? null,
    overlap: figures?.overlap ?? null,
    conflict: figures?.conflict ?? null,
    polarity: figures?.polarity ?? null,
    accuracy: figures?.human.accuracy ?? null,
    ci: figures?.human.ci ?? null,
    n: figures?.human.n ?? 0,
    audit: figures?.audit ?? null,
    perClass: figures?.perClass ?? null,
    estimatedAccuracy: figures?.estimatedAccuracy ?? null,
  };
}

export function toRunDto(r: RunRow) {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    progress: r.progress,
    result: r.result,
    error: r.error,
    createdAt: new Date(r.createdAt).toISOString(),
    finishedAt: r.finishedAt === null ? null : new Date(r.finishedAt).toISOString(),
  };
}

/** The list answer: every function with the figures of the last fit, and the label model itself. */
export function toFunctionListDto(list: { functions: FunctionRow[]; fit: RunRow | null; lastApply: RunRow | null }) {
  const result = list.fit?.result as ({ functions?: StoredFigures[] } & Record<string, unknown>) | undefined;
  const byName = new Map((result?.functions ?? []).map((f) => [f.name, f]));
  const { functions: _figures, ...labelModel }: Record<string, unknown> = result ?? {};
  return {
    functions: list.functions.map((f) => toFunctionDto(f, byName.get(f.name))),
    labelModel: list.fit
      ? ({ fittedAt: new Date(list.fit.finishedAt ?? list.fit.createdAt).toISOString(), ...labelModel } as {
          fittedAt: string;
        } & Record<string, unknown>)
      : null,
    lastApply: list.lastApply ? toRunDto(list.lastApply) : null,
  };
}

/** A weak-supervision run (POST weak-runs, GET weak-runs/:id). */
export class RunDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['apply', 'fit'] }) kind!: string;
  @ApiProperty({ enum: ['queued', 'running', 'done', 'failed'] }) status!: string;
  @ApiProperty({ description: '0..1' }) progress!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'what the run found or fitted, once done',
  })
  result!: Record<string, unknown> | null;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt!: string | null;
}

const FIGURE = { type: Number, nullable: true } as const;

/** A labeling function with the figures of the last label-model fit (null before one). */
export class FunctionDto {
  @ApiProperty() name!: string;
  @ApiProperty({ enum: FUNCTION_KINDS }) kind!: string;
  @ApiProperty({ type: String, nullable: true, description: 'the class it votes for; null for external functions' })
  label!: string | null;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'its kind-specific fields (feature, keywords, pattern, min, max, values, class)',
  })
  parameters!: Record<string, unknown>;
  @ApiProperty() version!: number;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty(FIGURE) votes!: number | null;
  @ApiProperty({ ...FIGURE, description: 'share of all predictions it votes on' }) coverage!: number | null;
  @ApiProperty(FIGURE) overlap!: number | null;
  @ApiProperty(FIGURE) conflict!: number | null;
  @ApiProperty({ type: [String], nullable: true, description: 'the classes it voted for' }) polarity!: string[] | null;
  @ApiProperty({ ...FIGURE, description: 'against human labels' }) accuracy!: number | null;
  @ApiProperty({ type: [Number], nullable: true, description: '95% Wilson interval of accuracy' }) ci!: number[] | null;
  @ApiProperty({ description: 'human labels it was compared with' }) n!: number;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'against audit labels alone' })
  audit!: Record<string, unknown> | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) perClass!: Record<string, unknown> | null;
  @ApiProperty({ ...FIGURE, description: 'what the label model infers without labels' }) estimatedAccuracy!: number | null;
}

export class PutFunctionResultDto extends FunctionDto {
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'uuid',
    description: 'the apply run it started (new or changed functions)',
  })
  applyRun!: string | null;
}

export class FunctionListDto {
  @ApiProperty({ type: [FunctionDto] }) functions!: FunctionDto[];
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'the last fit: fittedAt, method, agreement, priors, iterations',
  })
  labelModel!: Record<string, unknown> | null;
  @ApiProperty({ type: RunDto, nullable: true }) lastApply!: RunDto | null;
}
