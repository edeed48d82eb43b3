import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiExtraModels, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator.js';
import { EventBatchDto, EventIngestResultDto, EventInputDto } from './events.dto.js';
import { EventsService } from './events.service.js';

@ApiTags('events')
@ApiBearerAuth()
@ApiExtraModels(EventInputDto, EventBatchDto)
@Controller('api/v1/events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Post()
  @Roles('ingest')
  @HttpCode(202)
  @ApiOperation({ summary: "Record one behaviour event or a batch of up to 10,000; labels follow from the model's rules" })
  @ApiBody({ schema: { oneOf: [{ $ref: getSchemaPath(EventInputDto) }, { $ref: getSchemaPath(EventBatchDto) }] } })
  @ApiResponse({ status: 202, type: EventIngestResultDto })
  @ApiResponse({ status: 400, description: 'invalid rows, each listed; nothing stored' })
  @ApiResponse({ status: 409, description: 'an id is stored with different content; nothing stored' })
  ingest(@Body() body: unknown) {
    return this.events.ingest(body);
  }
}
