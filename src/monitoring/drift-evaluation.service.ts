import { Injectable, Logger } from '@nestjs/common';
import { DriftAlerts } from '../alerts/drift-alerts.service.js';
import { errorMessage } from '../jobs/job-options.js';
import { ModelsService } from '../models/models.service.js';
import { BaselinesRepository } from './baselines.repository.js';
import { driftFindings, driftResolution } from './drift-alert-text.js';
import { DriftService } from './drift.service.js';
import { EstimatesService } from './estimates.service.js';

/** The periodic part of monitoring: refit calibrations, and fire or resolve drift alerts against each default baseline. */
@Injectable()
export class DriftEvaluation {
  private readonly logger = new Logger(DriftEvaluation.name);

  constructor(
    private readonly models: ModelsService,
    private readonly baselines: BaselinesRepository,
    private readonly drift: DriftService,
    private readonly estimates: EstimatesService,
    private readonly alerts: DriftAlerts,
  ) {}

  async tick(now = Date.now()) {
    const total = { models: 0, fired: 0, resolved: 0, firing: 0 };
    for (const model of await this.models.list()) {
      try {
        await this.estimates.calibrate(model.name, now);
        total.models++;
        if (!(await this.baselines.find(model.name, null))) continue;
        const s = await this.evaluate(model.name, now);
        total.fired += s.fired;
        total.resolved += s.resolved;
        total.firing += s.firing;
      } catch (error) {
        this.logger.error(`monitoring of ${model.name} failed: ${errorMessage(error)}`);
      }
    }
    return total;
  }

  /** Drift alerts of one model over the last 24 hours against its default baseline. */
  async evaluate(model: string, now = Date.now()) {
    const report = await this.drift.report(model, {}, now);
    return this.alerts.reconcile(model, driftFindings(model, report.features, report.window), driftResolution, now);
  }
}
