import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

// Documentation only: events are validated by the fast checks in event-rows.ts.

export class EventInputDto {
  @ApiProperty({ description: 'unique per model; re-sends are duplicates', maxLength: 200 })
  id!: string;

  @ApiProperty()
  model!: string;

  @ApiProperty({ description: 'the id of the prediction this event follows (it may arrive later)' })
  predictionId!: string;

  @ApiProperty({ example: 'click', description: 'the event type the label rules refer to' })
  type!: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'default now; at most 5 minutes in the future' })
  timestamp?: string;

  @ApiPropertyOptional({ description: 'a number rules can test, such as dwell seconds' })
  value?: number;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'flat' })
  attributes?: Record<string, string | number | boolean | null>;
}

export class EventBatchDto {
  @ApiProperty({ type: [EventInputDto], maxItems: 10_000 })
  events!: EventInputDto[];
}

export class EventIngestResultDto {
  @ApiProperty() accepted!: number;
  @ApiProperty({ description: 'identical re-sends' }) duplicates!: number;
  @ApiProperty({ description: 'accepted events whose prediction is stored' }) joined!: number;
  @ApiProperty({ description: 'accepted events waiting for their prediction' }) pending!: number;
}
