import { Controller, Get, HttpStatus, Param, Query, Render, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../../auth/roles.decorator.js';
import { ExplorerQueryDto } from './predictions-page.dto.js';
import { PredictionsPageService } from './predictions-page.service.js';

/** The prediction explorer and one prediction's page. */
@ApiExcludeController()
@Controller('models/:model/predictions')
@Roles('labeler')
export class PredictionsPageController {
  constructor(private readonly page: PredictionsPageService) {}

  @Get()
  async explorer(@Param('model') model: string, @Query() query: ExplorerQueryDto, @Res() res: Response): Promise<void> {
    const result = await this.page.explorer(model, query);
    if ('redirect' in result) return res.redirect(HttpStatus.SEE_OTHER, result.redirect);
    res.render('predictions', result.view);
  }

  @Get(':id')
  @Render('prediction')
  prediction(@Param('model') model: string, @Param('id') id: string) {
    return this.page.prediction(model, id);
  }
}
