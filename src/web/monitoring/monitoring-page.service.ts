import { Injectable } from '@nestjs/common';
import { toAlertDto } from '../../alerts/alerts.dto.js';
import { AlertsService } from '../../alerts/alerts.service.js';
import type { Principal } from '../../auth/roles.decorator.js';
import { ApiError } from '../../common/api-error.js';
import { ModelsService } from '../../models/models.service.js';
import { BaselinesService } from '../../monitoring/baselines.service.js';
import { DriftService } from '../../monitoring/drift.service.js';
import { EstimatesService } from '../../monitoring/estimates.service.js';
import { buildMonitoringPage, PAGE_WINDOWS, type PageWindow } from './monitoring-page.view.js';

const HOUR = 3_600_000;

/** Gathers what the monitoring page shows: drift against a baseline, estimates, firing drift alerts. */
@Injectable()
export class MonitoringPageService {
  constructor(
    private readonly models: ModelsService,
    private readonly baselines: BaselinesService,
    private readonly drift: DriftService,
    private readonly estimates: EstimatesService,
    private readonly alerts: AlertsService,
  ) {}

  async view(modelName: string, query: { window: PageWindow; baseline: string | null }, viewer: Principal) {
    const model = await this.models.require(modelName);
    const now = Date.now();
    const from = now - PAGE_WINDOWS[query.window] * HOUR;
    const baselines = (await this.baselines.list(model.name)).map((b) => ({ name: b.name, default: b.isDefault === 1 }));
    let drift = null;
    try {
      drift = await this.drift.inputs(model.name, { baseline: query.baseline, from, to: now }, now);
    } catch (error) {
      // No baseline (yet, or by that name): the page says how to make one.
      if (!(error instanceof ApiError) || error.getStatus() !== 404) throw error;
    }
    const estimates = await this.estimates.estimate(model.name, { from, to: now }, now);
    const firing = (await this.alerts.list(model.name, 'firing', 20, 'drift')).map(toAlertDto);
    return buildMonitoringPage({
      model: model.name,
      window: query.window,
      baselines,
      baseline: query.baseline,
      drift,
      estimates,
      alerts: firing.map((a) => ({ feature: a.feature, slice: a.slice, message: a.message, startedAt: a.startedAt })),
      canEdit: viewer.role === 'admin',
    });
  }
}
