import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, type Principal, Roles } from '../auth/roles.decorator.js';
import {
  BatchDetailDto,
  BatchDto,
  BatchQueryDto,
  CreateBatchDto,
  LeasedTaskDto,
  QuotaOutcomeDto,
  SubmitResultDto,
  SubmitTaskDto,
} from './labeling.dto.js';
import { LabelingService } from './labeling.service.js';

@ApiTags('labeling')
@ApiExtraModels(QuotaOutcomeDto)
@ApiBearerAuth()
@Controller('api/v1')
export class LabelingController {
  constructor(private readonly labeling: LabelingService) {}

  @Post('models/:model/labeling-batches')
  @Roles('admin')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Select an active-learning batch: per-class quotas of the most uncertain predictions, plus a random audit sample',
  })
  @ApiResponse({
    status: 201,
    type: BatchDetailDto,
    description: 'the batch, with asked / filled / shortBy / reason per class quota and for the audit sample',
  })
  @ApiResponse({ status: 400, description: 'bad fields, each named in details' })
  createBatch(@Param('model') model: string, @Body() dto: CreateBatchDto, @CurrentPrincipal() admin: Principal) {
    return this.labeling.createBatch(model, dto, admin);
  }

  @Get('models/:model/labeling-batches')
  @Roles('labeler')
  @ApiOperation({ summary: "The model's batches, newest first, with progress per batch and per class quota" })
  @ApiResponse({ status: 200, type: [BatchDto], description: 'newest first, with progress per batch and per class quota' })
  @ApiResponse({ status: 404, description: 'model_not_found' })
  listBatches(@Param('model') model: string) {
    return this.labeling.listBatches(model);
  }

  @Get('labeling-batches/:id')
  @Roles('labeler')
  @ApiOperation({ summary: "A batch with progress and agreement (Cohen's kappa for two labelers, Fleiss' for more)" })
  @ApiResponse({ status: 200, type: BatchDetailDto })
  @ApiResponse({ status: 404, description: 'batch_not_found' })
  batch(@Param('id') id: string) {
    return this.labeling.batch(id);
  }

  @Get('models/:model/labeling/next')
  @Roles('labeler')
  @ApiOperation({
    summary: "Lease the next task for the model's leaseTtl: the caller's current lease if any, else the next free task",
  })
  @ApiResponse({ status: 200, type: LeasedTaskDto })
  @ApiResponse({ status: 204, description: 'nothing left for this labeler' })
  @ApiResponse({ status: 404, description: 'model_not_found or batch_not_found' })
  async next(
    @Param('model') model: string,
    @Query() query: BatchQueryDto,
    @CurrentPrincipal() labeler: Principal,
    @Res({ passthrough: true }) res: Response,
  ) {
    const task = await this.labeling.leaseNext(model, labeler, query.batch);
    if (!task) res.status(204);
    return task ?? undefined;
  }

  @Post('labeling/tasks/:id')
  @Roles('labeler')
  @HttpCode(200)
  @ApiOperation({ summary: 'Label ({label}) or skip ({skip: true}) a task you hold' })
  @ApiResponse({
    status: 409,
    description: 'the lease is not yours (it expired and was leased to someone else), or the task is finished',
  })
  @ApiResponse({ status: 200, type: SubmitResultDto })
  @ApiResponse({ status: 400, description: 'label_or_skip, or invalid request naming each bad field' })
  @ApiResponse({ status: 404, description: 'task_not_found' })
  submit(@Param('id') id: string, @Body() dto: SubmitTaskDto, @CurrentPrincipal() labeler: Principal) {
    return this.labeling.submit(id, labeler, dto);
  }

  @Post('labeling/tasks/:id/undo')
  @Roles('labeler')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Undo your last done or skipped task of its batch: the label is withdrawn and the task leased to you again',
  })
  @ApiResponse({ status: 200, type: LeasedTaskDto, description: 'the task leased to you again' })
  @ApiResponse({ status: 404, description: 'task_not_found' })
  @ApiResponse({ status: 409, description: 'not_your_task, task_not_finished or not_your_last_task' })
  undo(@Param('id') id: string, @CurrentPrincipal() labeler: Principal) {
    return this.labeling.undo(id, labeler);
  }

  @Post('models/:model/labeling/undo')
  @Roles('labeler')
  @HttpCode(200)
  @ApiOperation({ summary: 'Undo your most recent done or skipped task of the model (or of ?batch=)' })
  @ApiResponse({ status: 200, type: LeasedTaskDto, description: 'the task leased to you again' })
  @ApiResponse({ status: 404, description: 'nothing_to_undo, model_not_found or batch_not_found' })
  undoLast(@Param('model') model: string, @Query() query: BatchQueryDto, @CurrentPrincipal() labeler: Principal) {
    return this.labeling.undoLast(model, labeler, query.batch);
  }
}
