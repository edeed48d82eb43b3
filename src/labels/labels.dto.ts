import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { EffectiveLabelDto } from '../predictions/predictions.dto.js';
import type { LabelEntity } from './label.entity.js';

export class ManualLabelDto {
  @ApiProperty()
  @IsString()
  @Length(1, 100)
  model!: string;

  @ApiProperty()
  @IsString()
  @Length(1, 200)
  predictionId!: string;

  @ApiProperty({ description: "one of the model's classes" })
  @IsString()
  @Length(1, 200)
  label!: string;
}

export function toLabelDto(l: LabelEntity) {
  return {
    label: l.label,
    source: l.source,
    by: l.authorName,
    ...(l.source === 'manual' || l.source === 'audit' ? { labelerTokenId: l.author } : {}),
    rule: l.rule,
    eventIds: l.eventIds,
    final: l.final,
    createdAt: new Date(l.createdAt).toISOString(),
    updatedAt: new Date(l.updatedAt).toISOString(),
  };
}

export class LabelResultDto {
  @ApiProperty() model!: string;
  @ApiProperty() predictionId!: string;
  @ApiProperty({ type: EffectiveLabelDto, nullable: true }) effectiveLabel!: EffectiveLabelDto | null;
}
