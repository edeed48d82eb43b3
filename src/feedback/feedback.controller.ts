import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator.js';
import { FeedbackReportDto, FeedbackReportQueryDto, toFeedbackQuery } from './feedback.dto.js';
import { FeedbackService } from './feedback.service.js';

@ApiTags('feedback')
@ApiBearerAuth()
@Controller('api/v1/models/:model/feedback-report')
export class FeedbackController {
  constructor(private readonly feedback: FeedbackService) {}

  @Get()
  @Roles('labeler')
  @ApiOperation({
    summary: "Feedback-loop checks: how far the model's own exposure decisions shaped its labels",
    description:
      'Exploration share, model-driven label share, self-agreement gap, selection coverage, implicit-label echo, ' +
      'class prior shift against the previous export, exposure concentration and missing propensities, each with ' +
      'value, threshold (per-model feedback settings), severity, explanation and recommended action.',
  })
  @ApiResponse({ status: 200, type: FeedbackReportDto })
  @ApiResponse({ status: 400, description: 'a bad query value, named in details' })
  @ApiResponse({ status: 404, description: 'model_not_found' })
  report(@Param('model') model: string, @Query() query: FeedbackReportQueryDto) {
    return this.feedback.report(model, toFeedbackQuery(query));
  }
}
