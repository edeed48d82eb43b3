import { Body, Controller, Get, HttpStatus, Param, Post, Query, Render, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, type Principal, Roles } from '../../auth/roles.decorator.js';
import { QueueAuditFormDto, QueueSliceFormDto, SlicesPageQueryDto, toPageQuery } from './slices-page.dto.js';
import { SlicesPageService } from './slices-page.service.js';

/** The accuracy-by-slice page, and its per-slice "queue for labeling" button. */
@ApiExcludeController()
@Controller('models/:model/slices')
export class SlicesPageController {
  constructor(private readonly page: SlicesPageService) {}

  @Get()
  @Roles('labeler')
  @Render('slices')
  view(@Param('model') model: string, @Query() query: SlicesPageQueryDto, @CurrentPrincipal() viewer: Principal) {
    return this.page.view(model, toPageQuery(query), viewer, { batch: query.batch, batchError: query.batchError });
  }

  @Post('labeling-batch')
  @Roles('admin')
  async queue(
    @Param('model') model: string,
    @Body() form: QueueSliceFormDto,
    @CurrentPrincipal() admin: Principal,
    @Res() res: Response,
  ): Promise<void> {
    res.redirect(HttpStatus.SEE_OTHER, await this.page.queue(model, form, admin));
  }

  @Post('audit-batch')
  @Roles('admin')
  async queueAudit(
    @Param('model') model: string,
    @Body() form: QueueAuditFormDto,
    @CurrentPrincipal() admin: Principal,
    @Res() res: Response,
  ): Promise<void> {
    res.redirect(HttpStatus.SEE_OTHER, await this.page.queueAudit(model, form, admin));
  }
}
