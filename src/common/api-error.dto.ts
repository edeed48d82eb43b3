import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One bad field (with its row index in a batch), as AllExceptionsFilter sends it. */
export class ApiErrorDetailDto {
  @ApiPropertyOptional({ description: 'row index in a batch, when the error belongs to one row', example: 3 })
  index?: number;

  @ApiProperty({ description: 'the field, dotted for nested ones', example: 'scores' })
  field!: string;

  @ApiProperty({ example: 'must sum to 1' })
  message!: string;
}

/** Every error relabel answers with: {statusCode, error, message, details?}. */
export class ApiErrorDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ description: 'the HTTP reason phrase', example: 'Bad Request' })
  error!: string;

  @ApiProperty({ description: 'stable and machine-readable, e.g. model_not_found', example: 'model_not_found' })
  message!: string;

  @ApiPropertyOptional({
    description:
      'each bad field (and row index in batches); some errors carry an object instead (409 unacknowledged_findings: the report)',
    oneOf: [
      { type: 'array', items: { $ref: '#/components/schemas/ApiErrorDetailDto' } },
      { type: 'object', additionalProperties: true },
    ],
  })
  details?: ApiErrorDetailDto[] | Record<string, unknown>;

  @ApiPropertyOptional({ description: 'how many details were left out (at most 100 are listed)', example: 12 })
  detailsOmitted?: number;

  @ApiPropertyOptional({ description: 'the request id of a 5xx, as logged', example: '7f0c7c56-0a35-4d61-8a38-1b0c1e1f9d1a' })
  requestId?: string;
}
