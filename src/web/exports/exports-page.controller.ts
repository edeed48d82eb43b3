import { Body, Controller, Get, HttpStatus, Param, Post, Query, Render, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, type Principal, Roles } from '../../auth/roles.decorator.js';
import { ExportFormDto, ExportsPageQueryDto } from './exports-page.dto.js';
import { ExportsPageService } from './exports-page.service.js';

/** The exports page: the feedback report, a new-export form and the model's exports. */
@ApiExcludeController()
@Controller('models/:model/exports')
export class ExportsPageController {
  constructor(private readonly page: ExportsPageService) {}

  @Get()
  @Roles('admin')
  @Render('exports')
  view(@Param('model') model: string, @Query() query: ExportsPageQueryDto) {
    return this.page.view(model, query.created ?? null);
  }

  @Post()
  @Roles('admin')
  async create(
    @Param('model') model: string,
    @Body() form: ExportFormDto,
    @CurrentPrincipal() admin: Principal,
    @Res() res: Response,
  ): Promise<void> {
    const result = await this.page.create(model, form, admin);
    if ('redirect' in result) return res.redirect(HttpStatus.SEE_OTHER, result.redirect);
    res.status(result.status).render('exports', result.view);
  }
}
