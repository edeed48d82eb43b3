import { Body, Controller, Get, Param, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../auth/roles.decorator.js';
import { ModelDto, ModelListDto, toModelDto, UpsertModelDto } from './models.dto.js';
import { ModelsService } from './models.service.js';

@ApiTags('models')
@ApiBearerAuth()
@Controller('api/v1/models')
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Put(':model')
  @Roles('admin')
  @ApiOperation({ summary: 'Create (201) or replace (200) a model definition' })
  @ApiResponse({ status: 200, type: ModelDto, description: 'the model, replaced' })
  @ApiResponse({ status: 201, type: ModelDto, description: 'the model, created' })
  @ApiResponse({
    status: 400,
    description: 'invalid_model_name, or invalid_model / invalid request naming each bad field in details',
  })
  @ApiResponse({
    status: 409,
    description: 'classes_in_use: stored predictions use a class the new definition drops (send force: true)',
  })
  async upsert(@Param('model') name: string, @Body() dto: UpsertModelDto, @Res({ passthrough: true }) res: Response) {
    const { model, created } = await this.models.upsert(name, dto);
    res.status(created ? 201 : 200);
    return toModelDto(model);
  }

  @Get()
  @Roles('labeler')
  @ApiOperation({ summary: 'All models' })
  @ApiResponse({ status: 200, type: ModelListDto })
  async list() {
    return { models: (await this.models.list()).map(toModelDto) };
  }

  @Get(':model')
  @Roles('labeler')
  @ApiOperation({ summary: 'One model, with every settings section and its defaults' })
  @ApiResponse({ status: 200, type: ModelDto, description: 'the model with every settings section and its defaults' })
  @ApiResponse({ status: 404, description: 'model_not_found' })
  async get(@Param('model') name: string) {
    return toModelDto(await this.models.require(name));
  }
}
