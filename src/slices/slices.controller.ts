import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator.js';
import {
  ClassMetricsDto,
  SeriesQueryDto,
  SliceReportDto,
  SliceSeriesDto,
  SlicesReportQueryDto,
  toSliceQuery,
} from './slices.dto.js';
import { SlicesService } from './slices.service.js';

@ApiTags('slices')
@ApiBearerAuth()
@ApiExtraModels(ClassMetricsDto)
@Controller('api/v1/models/:model/slices')
export class SlicesController {
  constructor(private readonly slices: SlicesService) {}

  @Get()
  @Roles('labeler')
  @ApiOperation({
    summary: 'Accuracy per slice with 95% Wilson intervals, per-class metrics, difference from overall and flags',
    description:
      'Read from incremental rollups; windows are on prediction time in whole hours. accuracy is of the labels as they are; estimated is corrected with audit labels (null without them, with estimatedReason), biased when they disagree significantly, audit.needed the audit labels to reach targetHalfWidth.',
  })
  @ApiResponse({ status: 200, type: SliceReportDto })
  @ApiResponse({ status: 400, description: 'a bad query value, named in details' })
  @ApiResponse({ status: 404, description: 'model_not_found' })
  report(@Param('model') model: string, @Query() query: SlicesReportQueryDto) {
    return this.slices.report(model, toSliceQuery(query));
  }

  @Get(':key/:value/series')
  @Roles('labeler')
  @ApiOperation({ summary: 'Accuracy of one slice value by hour or day (key and value * for the whole model)' })
  @ApiParam({ name: 'key', description: 'a slice key, a cross such as country×device, or *' })
  @ApiParam({ name: 'value', description: 'a slice value, a cross value such as de×mobile, or *' })
  @ApiResponse({ status: 200, type: SliceSeriesDto })
  @ApiResponse({ status: 400, description: 'a bad query value, named in details' })
  @ApiResponse({ status: 404, description: 'model_not_found or slice_not_found' })
  series(
    @Param('model') model: string,
    @Param('key') key: string,
    @Param('value') value: string,
    @Query() query: SeriesQueryDto,
  ) {
    return this.slices.series(model, key, value, { ...toSliceQuery(query), bucket: query.bucket });
  }
}
