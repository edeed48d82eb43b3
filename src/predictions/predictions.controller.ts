import { Body, Controller, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiExtraModels, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator.js';
import { traceIdFromHeader } from '../ops/trace.js';
import { IngestResultDto, PredictionBatchDto, PredictionDto, PredictionInputDto } from './predictions.dto.js';
import { PredictionsService } from './predictions.service.js';

@ApiTags('predictions')
@ApiBearerAuth()
@ApiExtraModels(PredictionInputDto, PredictionBatchDto)
@Controller('api/v1')
export class PredictionsController {
  constructor(private readonly predictions: PredictionsService) {}

  @Post('predictions')
  @Roles('ingest')
  @HttpCode(201)
  @ApiOperation({ summary: 'Log one prediction or a batch of up to 10,000, atomically and idempotently' })
  @ApiBody({ schema: { oneOf: [{ $ref: getSchemaPath(PredictionInputDto) }, { $ref: getSchemaPath(PredictionBatchDto) }] } })
  @ApiResponse({ status: 201, type: IngestResultDto })
  @ApiResponse({ status: 400, description: 'invalid rows, each listed with index, field and message; nothing stored' })
  @ApiResponse({ status: 409, description: 'an id is stored with different content; nothing stored' })
  @ApiResponse({ status: 413, description: 'body over the size limit' })
  ingest(@Body() body: unknown, @Headers('traceparent') traceparent?: string) {
    return this.predictions.ingest(body, traceIdFromHeader(traceparent));
  }

  @Get('models/:model/predictions/:id')
  @Roles('labeler')
  @ApiOperation({ summary: 'A prediction with its events, labels and effective label' })
  @ApiResponse({ status: 200, type: PredictionDto })
  @ApiResponse({ status: 404, description: 'prediction_not_found' })
  findOne(@Param('model') model: string, @Param('id') id: string) {
    return this.predictions.findOne(model, id);
  }
}
