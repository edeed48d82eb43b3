import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Length } from 'class-validator';
import type { QualityQuery } from './quality.service.js';

export class LabelQualityQueryDto {
  @ApiPropertyOptional({ description: 'ISO 8601; prediction time from (inclusive), widened to its hour' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'ISO 8601; prediction time to (exclusive), widened to its hour' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ description: 'one model version; all versions when absent' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  version?: string;
}

export function toQualityQuery(dto: LabelQualityQueryDto): QualityQuery {
  return {
    from: dto.from === undefined ? null : Date.parse(dto.from),
    to: dto.to === undefined ? null : Date.parse(dto.to),
    version: dto.version ?? null,
  };
}

const CONFUSION = {
  type: 'object',
  additionalProperties: { type: 'object', additionalProperties: { type: 'number' } },
  description: 'source label -> human label -> count',
} as const;

class ClassAgreementDto {
  @ApiProperty({ enum: ['measured', 'not measured'] })
  status!: string;

  @ApiProperty({ description: 'human labels where the source said this class' })
  n!: number;

  @ApiProperty({ type: Number, nullable: true, description: 'share of them where the human said this class too' })
  agreement!: number | null;

  @ApiProperty({ type: [Number], nullable: true, description: '95% Wilson interval' })
  ci!: [number, number] | null;
}

const PER_CLASS = {
  type: 'object',
  additionalProperties: { $ref: '#/components/schemas/ClassAgreementDto' },
  description: 'source label -> agreement; "not measured" without human labels',
} as const;

class AgreementFiguresDto {
  @ApiProperty({ description: 'predictions with both this source label and a human label' })
  n!: number;

  @ApiProperty({ type: Number, nullable: true })
  agreement!: number | null;

  @ApiProperty({ type: [Number], nullable: true, description: '95% Wilson interval [lo, hi]' })
  ci!: [number, number] | null;

  @ApiProperty(CONFUSION)
  confusion!: Record<string, Record<string, number>>;

  @ApiProperty(PER_CLASS)
  perClass!: Record<string, ClassAgreementDto>;
}

class SourceQualityDto extends AgreementFiguresDto {
  @ApiProperty({ description: 'direct, implicit or weak' })
  source!: string;

  @ApiPropertyOptional({ description: "the direct rule's event (and condition)" })
  rule?: string;

  @ApiProperty({ description: 'of n, those whose human label is an audit label (a uniform sample)' })
  nAudit!: number;

  @ApiProperty({ type: AgreementFiguresDto, description: 'the same figures over audit labels alone' })
  audit!: AgreementFiguresDto;
}

class SliceQualityDto {
  @ApiProperty()
  key!: string;

  @ApiProperty()
  value!: string;

  @ApiProperty({ type: [SourceQualityDto] })
  sources!: SourceQualityDto[];
}

export class LabelQualityDto {
  @ApiProperty()
  model!: string;

  @ApiProperty({ type: [SourceQualityDto], description: 'each behaviour source (direct per rule) on the whole model' })
  sources!: SourceQualityDto[];

  @ApiProperty({ type: [SliceQualityDto] })
  bySlice!: SliceQualityDto[];
}

export { ClassAgreementDto };
