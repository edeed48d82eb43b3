import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator.js';
import { AlertListDto, AlertsQueryDto, toAlertDto } from './alerts.dto.js';
import { AlertsService } from './alerts.service.js';

@ApiTags('alerts')
@ApiBearerAuth()
@Controller('api/v1/models/:model/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @Roles('labeler')
  @ApiOperation({
    summary: "The model's slice alerts: firing first, then the most recently started",
    description:
      "A slice fires when, with at least alerts.minSupport labels over the last alerts.baselineWindow, its 95% interval lies wholly below alerts.minAccuracy or below the rest of the model, or it fell by more than alerts.maxDrop against the window before with the fall's interval clear of zero. It resolves when that no longer holds. Drift alerts (kind drift) come from the monitoring job: a feature of a slice that drifted from the model's default baseline.",
  })
  @ApiResponse({ status: 200, type: AlertListDto })
  @ApiResponse({ status: 404, description: 'model_not_found' })
  async list(@Param('model') model: string, @Query() query: AlertsQueryDto) {
    const alerts = await this.alerts.list(model, query.state ?? 'all', query.limit ?? 100, query.kind ?? 'all');
    return { alerts: alerts.map(toAlertDto) };
  }
}
