import { Body, Controller, Get, HttpStatus, Param, Post, Query, Render, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import type { Response } from 'express';
import { CurrentPrincipal, type Principal, Roles } from '../../auth/roles.decorator.js';
import { LabelingFunctionsPageService } from './labeling-functions-page.service.js';

export class EnabledFormDto {
  @IsIn(['true', 'false'])
  enabled!: 'true' | 'false';

  @IsOptional()
  @IsString()
  @Length(0, 200)
  _csrf?: string;
}

export class PageQueryDto {
  @IsOptional()
  @IsString()
  @Length(0, 100)
  changed?: string;
}

/** The labeling-functions page: each function with its figures; admins enable or disable them. */
@ApiExcludeController()
@Controller('models/:model/labeling-functions')
export class LabelingFunctionsPageController {
  constructor(private readonly page: LabelingFunctionsPageService) {}

  @Get()
  @Roles('labeler')
  @Render('labeling-functions')
  view(@Param('model') model: string, @Query() query: PageQueryDto, @CurrentPrincipal() viewer: Principal) {
    return this.page.view(model, viewer, query.changed ?? null);
  }

  @Post(':name/enabled')
  @Roles('admin')
  async setEnabled(
    @Param('model') model: string,
    @Param('name') name: string,
    @Body() form: EnabledFormDto,
    @Res() res: Response,
  ) {
    res.redirect(HttpStatus.SEE_OTHER, await this.page.setEnabled(model, name, form.enabled === 'true'));
  }
}
