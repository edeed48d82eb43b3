import { uuidParam } from '../common/validation.js';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator.js';
import {
  FunctionDto,
  FunctionListDto,
  LfVotesDto,
  PutFunctionDto,
  PutFunctionResultDto,
  RunDto,
  StartRunDto,
  toFunctionDto,
  toFunctionListDto,
  toRunDto,
} from './weak.dto.js';
import { WeakFunctionsService } from './weak-functions.service.js';
import { WeakVotesService } from './weak-votes.service.js';

@ApiTags('weak supervision')
@ApiBearerAuth()
@Controller('api/v1/models/:model')
export class WeakController {
  constructor(
    private readonly functions: WeakFunctionsService,
    private readonly votes: WeakVotesService,
  ) {}

  @Get('labeling-functions')
  @Roles('labeler')
  @ApiOperation({
    summary: "The model's labeling functions with their figures, and the label model",
    description:
      "Figures come from the last label-model fit: coverage, overlap and conflict as shares of all predictions (as Snorkel's LFAnalysis), polarity, accuracy against human labels with a 95% Wilson interval (audit-only apart, and per voted class), and the accuracy the label model estimates without labels.",
  })
  @ApiResponse({ status: 200, type: FunctionListDto })
  @ApiResponse({ status: 404, description: 'model_not_found' })
  async list(@Param('model') model: string) {
    return toFunctionListDto(await this.functions.list(model));
  }

  @Put('labeling-functions/:name')
  @Roles('admin')
  @ApiOperation({
    summary: 'Create or replace a labeling function',
    description:
      'kinds: keyword {feature, keywords}, regex {feature, pattern}, range {feature, min?, max?}, category {feature, values}, score {class, min}, external (votes arrive by POST lf-votes). A new or changed declarative function is run over the history by a job (applyRun).',
  })
  @ApiResponse({ status: 400, description: 'invalid_labeling_function with details per field' })
  @ApiResponse({
    status: 200,
    type: PutFunctionResultDto,
    description: 'the labeling function, with the apply run it started when new or changed',
  })
  @ApiResponse({ status: 404, description: 'model_not_found' })
  async put(@Param('model') model: string, @Param('name') name: string, @Body() dto: PutFunctionDto) {
    const { row, applyRun } = await this.functions.put(model, name, { ...dto });
    return { ...toFunctionDto(row, undefined), applyRun };
  }

  @Get('labeling-functions/:name')
  @Roles('labeler')
  @ApiOperation({ summary: 'One labeling function with its figures' })
  @ApiResponse({ status: 404, description: 'labeling_function_not_found' })
  @ApiResponse({ status: 200, type: FunctionDto })
  async get(@Param('model') model: string, @Param('name') name: string) {
    await this.functions.get(model, name);
    const list = toFunctionListDto(await this.functions.list(model));
    return list.functions.find((f) => f.name === name);
  }

  @Delete('labeling-functions/:name')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a labeling function and its votes; the next fit drops what only it labelled' })
  @ApiResponse({ status: 204, description: 'deleted' })
  @ApiResponse({ status: 404, description: 'labeling_function_not_found' })
  async delete(@Param('model') model: string, @Param('name') name: string) {
    await this.functions.delete(model, name);
  }

  @Post('lf-votes')
  @Roles('ingest')
  @ApiOperation({
    summary: 'Votes of an external labeling function',
    description:
      'Up to 10,000 a batch, all stored or none; idempotent per (function, prediction): a re-sent vote is unchanged, a different label replaces the earlier one. Votes for predictions the model does not have are counted in `unknown` and not stored.',
  })
  @ApiResponse({ status: 404, description: 'labeling_function_not_found' })
  @ApiResponse({ status: 409, description: 'labeling_function_not_external' })
  @ApiResponse({ status: 201, description: '{accepted, ...}: the votes stored' })
  @ApiResponse({ status: 400, description: 'invalid request naming each bad field (and row index)' })
  async ingest(@Param('model') model: string, @Body() dto: LfVotesDto) {
    return this.votes.ingest(model, { function: dto.function, votes: dto.votes });
  }

  @Post('weak-runs')
  @Roles('admin')
  @HttpCode(202)
  @ApiOperation({ summary: 'Run the functions over all history (apply) or refit the label model (fit), as a job' })
  @ApiResponse({ status: 202, type: RunDto, description: 'the run, queued; poll GET weak-runs/{id}' })
  @ApiResponse({ status: 400, description: 'invalid request naming each bad field' })
  @ApiResponse({ status: 404, description: 'model_not_found' })
  async start(@Param('model') model: string, @Body() dto: StartRunDto) {
    return toRunDto(await this.functions.startRun(model, dto.kind, dto.functions ? { functions: dto.functions } : {}));
  }

  @Get('weak-runs/:id')
  @Roles('labeler')
  @ApiOperation({ summary: 'A run: status, progress (0..1) and its result' })
  @ApiResponse({ status: 404, description: 'run_not_found' })
  @ApiResponse({ status: 200, type: RunDto })
  @ApiResponse({ status: 400, description: 'id: must be a UUID' })
  async run(@Param('model') model: string, @Param('id', uuidParam('id')) id: string) {
    return toRunDto(await this.functions.run(model, id));
  }
}
