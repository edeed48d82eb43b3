import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator.js';
import { BaselinesService } from './baselines.service.js';
import { DriftService } from './drift.service.js';
import { EstimatesService } from './estimates.service.js';
import { BaselineRequestDto, DriftQueryDto, EstimateQueryDto, parseTime, toBaselineDto } from './monitoring.dto.js';

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
    summary: 'Creates (or replaces) a baseline: from a window of the log, or from training rows sent in batches',
    description:
      'A window baseline merges the stored profiles of [from, to); rows are profiled like the log. The first baseline of a model becomes its default.',
  })
  @ApiResponse({ status: 201, description: 'the baseline' })
  @ApiResponse({ status: 400, description: 'invalid_baseline, invalid_baseline_rows or empty_baseline_window' })
  @ApiResponse({ status: 404, description: 'model_not_found' })
  async create(@Param('model') model: string, @Body() body: BaselineRequestDto) {
    const b = await this.baselines.create(model, { ...body, from: parseTime(body.from), to: parseTime(body.to) });
    return toBaselineDto(b);
  }

  @Get('baselines')
  @Roles('labeler')
  @ApiOperation({ summary: "The model's baselines" })
  @ApiResponse({ status: 404, description: 'model_not_found' })
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
  estimate(@Param('model') model: string, @Query() q: EstimateQueryDto) {
    return this.estimates.estimate(model, { from: parseTime(q.from), to: parseTime(q.to), version: q.version ?? null });
  }
}
