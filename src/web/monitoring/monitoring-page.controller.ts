import { Controller, Get, Param, Query, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { CurrentPrincipal, type Principal, Roles } from '../../auth/roles.decorator.js';
import { MonitoringPageService } from './monitoring-page.service.js';
import { PAGE_WINDOWS, type PageWindow } from './monitoring-page.view.js';

export class MonitoringPageQueryDto {
  @IsOptional()
  @IsIn(Object.keys(PAGE_WINDOWS))
  window?: PageWindow;

  @IsOptional()
  @IsString()
  @Length(1, 100)
  baseline?: string;
}

/** The monitoring page: drift against a baseline, feature histograms, prediction mix, label-free estimates. */
@ApiExcludeController()
@Controller('models/:model/monitoring')
export class MonitoringPageController {
  constructor(private readonly page: MonitoringPageService) {}

  @Get()
  @Roles('labeler')
  @Render('monitoring')
  view(@Param('model') model: string, @Query() query: MonitoringPageQueryDto, @CurrentPrincipal() viewer: Principal) {
    return this.page.view(model, { window: query.window ?? '24h', baseline: query.baseline ?? null }, viewer);
  }
}
