import { Body, Controller, Delete, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, type Principal, Roles } from '../auth/roles.decorator.js';
import { CreateExportDto, ExportCreatedDto, ExportDto, ExportListDto, toExportDto, toExportRequest } from './exports.dto.js';
import { ExportsService } from './exports.service.js';
import { uuidParam } from '../common/validation.js';

@ApiTags('exports')
@ApiBearerAuth()
@Controller('api/v1')
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @Post('models/:model/exports')
  @Roles('admin')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Request a retraining export',
    description:
      'Runs the feedback-loop report over the window first. A warn finding needs acknowledgeWarnings: true and a block finding needs acknowledgeBlocking: true (a stronger, separate yes); otherwise the answer is 409 with the report in details.report and nothing is exported. Accepted exports are written by a queue job; poll GET /api/v1/exports/:id.',
  })
  @ApiResponse({ status: 202, type: ExportCreatedDto })
  @ApiResponse({ status: 409, description: 'unacknowledged_findings: details.report, details.unacknowledged' })
  @ApiResponse({ status: 404, description: 'model_not_found' })
  async create(@Param('model') model: string, @Body() dto: CreateExportDto, @CurrentPrincipal() admin: Principal) {
    const entry = await this.exports.request(model, toExportRequest(dto), admin);
    return { id: entry.id };
  }

  @Get('models/:model/exports')
  @Roles('admin')
  @ApiOperation({ summary: "The model's exports, newest first" })
  @ApiResponse({ status: 200, type: ExportListDto })
  async list(@Param('model') model: string) {
    return { exports: (await this.exports.list(model)).map(toExportDto) };
  }

  @Get('exports/:id')
  @Roles('admin')
  @ApiOperation({ summary: 'An export: status, progress (0..1) and, once done, its manifest' })
  @ApiResponse({ status: 200, type: ExportDto })
  @ApiResponse({ status: 404, description: 'export_not_found' })
  async get(@Param('id', uuidParam('id')) id: string) {
    return toExportDto(await this.exports.get(id));
  }

  @Delete('exports/:id')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Remove a finished export: its row and manifest, its file and manifest file',
    description:
      'Exports also go by themselves RETENTION_EXPORTS after they finished. A queued or running export cannot be removed (409).',
  })
  @ApiResponse({ status: 204, description: 'removed' })
  @ApiResponse({ status: 404, description: 'export_not_found' })
  @ApiResponse({ status: 409, description: 'export_not_finished' })
  async remove(@Param('id', uuidParam('id')) id: string): Promise<void> {
    await this.exports.remove(id);
  }

  @Get('exports/:id/download')
  @Roles('admin')
  @ApiOperation({ summary: "The export's file, streamed; 409 until it is done" })
  @ApiProduces('text/csv', 'application/x-ndjson', 'application/vnd.apache.parquet')
  @ApiResponse({ status: 409, description: 'export_not_ready' })
  @ApiResponse({ status: 404, description: 'export_not_found' })
  @ApiResponse({ status: 200, description: "the file (CSV, JSONL or Parquet, by the export's format) as an attachment" })
  @ApiResponse({ status: 400, description: 'id: must be a UUID' })
  async download(@Param('id', uuidParam('id')) id: string, @Res() res: Response): Promise<void> {
    const file = await this.exports.download(id);
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Length', String(file.bytes));
    res.attachment(file.fileName);
    // Headers are gone by the time a read fails: all that is left is to cut the response short.
    file.stream.once('error', () => res.destroy());
    file.stream.pipe(res);
  }
}
