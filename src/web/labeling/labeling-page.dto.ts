import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { STRATEGIES, type Strategy } from '../../labeling/strategies.js';
import { ToNumber } from '../../common/validation.js';

/** The class buttons' form: the pressed button sends `label`, the skip button `skip`. */
export class AnswerFormDto {
  @IsOptional()
  @IsString()
  @Length(1, 200)
  label?: string;

  @IsOptional()
  @IsIn(['true'])
  skip?: 'true';

  /** The batch the page is scoped to, kept across the redirect. */
  @IsOptional()
  @IsUUID()
  batch?: string;
}

export class UndoFormDto {
  @IsOptional()
  @IsUUID()
  batch?: string;
}

/** The admin's "create a balanced batch" form on the empty queue. */
export class BatchFormDto {
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(10_000)
  size!: number;

  @IsIn(STRATEGIES)
  strategy!: Strategy;
}
