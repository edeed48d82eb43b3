import { Controller, Get, Param, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles } from '../../auth/roles.decorator.js';
import { QualityPageService } from './quality-page.service.js';

/** The label-quality page: each behaviour source against the human labels. */
@ApiExcludeController()
@Controller('models/:model/quality')
export class QualityPageController {
  constructor(private readonly page: QualityPageService) {}

  @Get()
  @Roles('labeler')
  @Render('quality')
  view(@Param('model') model: string, @CurrentPrincipal() viewer: Principal) {
    return this.page.view(model, viewer);
  }
}
