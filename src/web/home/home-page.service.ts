import { Injectable } from '@nestjs/common';
import { AlertsService } from '../../alerts/alerts.service.js';
import type { Principal } from '../../auth/roles.decorator.js';
import { ExportsService } from '../../exports/exports.service.js';
import { LabelingService } from '../../labeling/labeling.service.js';
import type { ModelEntity } from '../../models/model.entity.js';
import { ModelsService } from '../../models/models.service.js';
import { QualityService } from '../../quality/quality.service.js';
import { SlicesService } from '../../slices/slices.service.js';
import { NavService } from '../nav/nav.service.js';
import { type HomeModelInput, homeView, startOfUtcDay } from './home-page.view.js';

@Injectable()
export class HomePageService {
  constructor(
    private readonly models: ModelsService,
    private readonly quality: QualityService,
    private readonly slices: SlicesService,
    private readonly alerts: AlertsService,
    private readonly labeling: LabelingService,
    private readonly exports: ExportsService,
    private readonly nav: NavService,
  ) {}

  async view(principal: Principal) {
    if (principal.role === 'ingest') return homeView(principal, []);
    const models = await this.models.list();
    const since = startOfUtcDay(Date.now());
    return homeView(principal, await Promise.all(models.map((m) => this.model(m, principal, since))));
  }

  private async model(model: ModelEntity, principal: Principal, since: number): Promise<HomeModelInput> {
    const [counts, report, firing, batches, latest] = await Promise.all([
      this.quality.predictionCounts(model.name, since),
      this.slices.report(model.name),
      this.alerts.list(model.name, 'firing'),
      this.labeling.listBatches(model.name),
      principal.role === 'admin' ? this.exports.list(model.name, 1) : Promise.resolve([]),
    ]);
    // The corrected estimate comes with the label-quality work; absent until the slices report carries it.
    const estimated = (report.overall as { estimated?: { accuracy: number | null } | null }).estimated ?? null;
    const last = latest[0];
    return {
      name: model.name,
      classes: model.classes,
      predictionsToday: counts.since,
      predictionsTotal: counts.total,
      labeled: report.overall.n,
      accuracy: report.overall.accuracy,
      estimated,
      firingAlerts: firing.length,
      openBatches: batches.filter((b) => b.status === 'open').length,
      latestExport: last ? { id: last.id, status: last.status, createdAt: last.createdAt, format: last.format } : null,
      links: this.nav.links(principal.role, model.name),
    };
  }
}
