import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles } from '../auth/roles.decorator.js';
import { LabelResultDto, ManualLabelDto } from './labels.dto.js';
import { LabelsService } from './labels.service.js';

@ApiTags('labels')
@ApiBearerAuth()
@Controller('api/v1/labels')
export class LabelsController {
  constructor(private readonly labels: LabelsService) {}

  @Post()
  @Roles('labeler')
  @ApiOperation({ summary: "Label a prediction by hand; the labeler is the token's owner. A second call replaces the first." })
  @ApiResponse({ status: 201, type: LabelResultDto })
  @ApiResponse({
    status: 400,
    description: "invalid_label (not one of the model's classes) or invalid request naming each bad field",
  })
  @ApiResponse({ status: 404, description: 'prediction_not_found' })
  create(@Body() dto: ManualLabelDto, @CurrentPrincipal() principal: Principal) {
    return this.labels.label({ ...dto, source: 'manual' }, principal);
  }
}
