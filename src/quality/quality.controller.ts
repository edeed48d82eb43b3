import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator.js';
import { ClassAgreementDto, LabelQualityDto, LabelQualityQueryDto, toQualityQuery } from './quality.dto.js';
import { QualityService } from './quality.service.js';

@ApiTags('quality')
@ApiBearerAuth()
@ApiExtraModels(ClassAgreementDto)
@Controller('api/v1/models/:model/label-quality')
export class QualityController {
  constructor(private readonly quality: QualityService) {}

  @Get()
  @Roles('labeler')
  @ApiOperation({
    summary: 'Each behaviour label source against the human labels on the same predictions',
    description:
      'Agreement with a 95% Wilson interval, a confusion table and per-class figures, for all human labels and for audit labels alone, overall and per slice. Read from maintained tallies.',
  })
  @ApiResponse({ status: 200, type: LabelQualityDto })
  @ApiResponse({ status: 400, description: 'a bad query value, named in details' })
  @ApiResponse({ status: 404, description: 'model_not_found' })
  labelQuality(@Param('model') model: string, @Query() query: LabelQualityQueryDto) {
    return this.quality.labelQuality(model, toQualityQuery(query));
  }
}
