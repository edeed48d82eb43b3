import {
  Body,
  Controller,
  Get,
  Injectable,
  Param,
  type ArgumentMetadata,
  type PipeTransform,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Roles } from '../auth/roles.decorator.js';
import { BaselinesService } from './baselines.service.js';
import { DriftService } from './drift.service.js';
import { EstimatesService } from './estimates.service.js';
import { ApiError, badRequest } from '../common/api-error.js';
import { createValidationPipe } from '../common/validation.js';
import { UPLOAD_LIMITS } from './baseline-upload.js';
import {
  BaselineRequestDto,
  BaselineUploadQueryDto,
  DriftQueryDto,
  EstimateQueryDto,
  parseTime,
  toBaselineDto,
  BaselineDto,
  BaselineListDto,
  DriftReportDto,
  EstimatedPerformanceDto,
} from './monitoring.dto.js';

/** A JSON body is validated as BaselineRequestDto; an uploaded file (a Buffer) is passed on as it is. */
@Injectable()
class BaselineBodyPipe implements PipeTransform {
  private readonly validation = createValidationPipe();

  transform(value: unknown, metadata: ArgumentMetadata) {
    // No body parser took it (an unsupported media type, or no body): the handler says which.
    if (Buffer.isBuffer(value) || value === undefined) return value;
    return this.validation.transform(value, { ...metadata, metatype: BaselineRequestDto }) as Promise<BaselineRequestDto>;
  }
}

const JSON_OR_FORM = ['application/json', 'application/x-www-form-urlencoded'];

@ApiTags('monitoring')
@ApiBearerAuth()
@Controller('api/v1/models/:model')
export class MonitoringController {
  constructor(
    private readonly baselines: BaselinesService,
    private readonly drift: DriftService,
    private readonly estimates: EstimatesService,
  ) {}

  @Post('baselines')
  @Roles('admin')
  @ApiOperation({
    summary:
      'Creates (or replaces) a baseline: from a window of the log, from training rows sent in batches, or from a CSV or Parquet file',
    description: `A window baseline merges the stored profiles of [from, to); rows are profiled like the log. The first baseline of a model becomes its default. A file (text/csv, or application/vnd.apache.parquet or application/octet-stream for Parquet) holds one training row a line, a column a feature, up to ${UPLOAD_LIMITS.rows.toLocaleString('en')} rows and ${UPLOAD_LIMITS.columns} columns; its name, version and default go in the query.`,
  })
  @ApiConsumes('application/json', 'text/csv', 'application/vnd.apache.parquet', 'application/octet-stream')
  @ApiBody({ type: BaselineRequestDto, description: 'JSON; or the CSV or Parquet file itself' })
  @ApiResponse({ status: 201, type: BaselineDto })
  @ApiResponse({
    status: 400,
    description:
      'invalid_baseline, invalid_baseline_rows, invalid_baseline_file (naming the line, row or column) or empty_baseline_window',
  })
  @ApiResponse({ status: 404, description: 'model_not_found' })
  @ApiResponse({ status: 413, description: 'the file is over the body size limit (BODY_LIMIT_MB)' })
  @ApiResponse({ status: 415, description: 'unsupported_media_type' })
  async create(
    @Param('model') model: string,
    @Body(BaselineBodyPipe) body: BaselineRequestDto | Buffer | undefined,
    @Query() query: BaselineUploadQueryDto,
    @Req() req: Request,
  ) {
    if (Buffer.isBuffer(body)) return toBaselineDto(await this.createFromFile(model, body, query, req));
    if (req.headers['content-type'] !== undefined && !req.is(JSON_OR_FORM))
      throw new ApiError(415, 'unsupported_media_type: send application/json, text/csv or application/vnd.apache.parquet');
    if (body === undefined)
      throw badRequest('invalid_baseline: send a JSON body or a CSV or Parquet file', [{ field: 'body', message: 'required' }]);
    const asked = Object.keys(query).filter((k) => query[k as keyof BaselineUploadQueryDto] !== undefined);
    if (asked.length > 0)
      throw badRequest('invalid_baseline: name, version and default go in the JSON body (the query is for file uploads)', [
        { field: asked[0], message: 'belongs in the JSON body' },
      ]);
    const b = await this.baselines.create(model, { ...body, from: parseTime(body.from), to: parseTime(body.to) });
    return toBaselineDto(b);
  }

  private createFromFile(model: string, file: Buffer, query: BaselineUploadQueryDto, req: Request) {
    if (query.name === undefined)
      throw badRequest('invalid_baseline: an uploaded file needs ?name=', [{ field: 'name', message: 'required in the query' }]);
    return this.baselines.upload(
      model,
      { name: query.name, version: query.version ?? null, default: query.default === 'true' },
      req.is('text/csv') ? 'csv' : 'parquet',
      file,
    );
  }

  @Get('baselines')
  @Roles('labeler')
  @ApiOperation({ summary: "The model's baselines" })
  @ApiResponse({ status: 404, description: 'model_not_found' })
  @ApiResponse({ status: 200, type: BaselineListDto })
  async list(@Param('model') model: string) {
    return { baselines: (await this.baselines.list(model)).map(toBaselineDto) };
  }

  @Get('drift')
  @Roles('labeler')
  @ApiOperation({
    summary: 'Drift of each feature per slice, and of the predictions per version, against a baseline',
    description:
      'Evidently defaults: numeric with over 1,000 baseline values and more than 5 distinct, Wasserstein / baseline std (0.1); categorical or few-valued over 1,000, Jensen-Shannon distance (0.1); smaller, KS or chi-squared at p 0.05 after a Benjamini-Hochberg correction across every tested cell. Cells with fewer than 30 rows get no verdict.',
  })
  @ApiResponse({ status: 404, description: 'model_not_found, no_default_baseline or baseline_not_found' })
  @ApiResponse({ status: 200, type: DriftReportDto })
  @ApiResponse({ status: 400, description: 'invalid request naming each bad query field' })
  report(@Param('model') model: string, @Query() q: DriftQueryDto) {
    return this.drift.report(model, {
      baseline: q.baseline ?? null,
      from: parseTime(q.from),
      to: parseTime(q.to),
      version: q.version ?? null,
      metric: q.metric ?? null,
    });
  }

  @Get('estimated-performance')
  @Roles('labeler')
  @ApiOperation({
    summary: 'Label-free accuracy (CBPE) per slice, beside realized accuracy',
    description:
      'Expected accuracy from the predicted class scores, isotonically calibrated per class on labeled predictions (audit labels preferred) where that lowers the calibration error; 95% interval; not estimable below 30 predictions.',
  })
  @ApiResponse({ status: 404, description: 'model_not_found' })
  @ApiResponse({ status: 200, type: EstimatedPerformanceDto })
  @ApiResponse({ status: 400, description: 'invalid request naming each bad query field' })
  estimate(@Param('model') model: string, @Query() q: EstimateQueryDto) {
    return this.estimates.estimate(model, { from: parseTime(q.from), to: parseTime(q.to), version: q.version ?? null });
  }
}
