import { Injectable, Logger } from '@nestjs/common';
import { recommend, RECOMMENDED_BATCH_SIZE, sliceFilter } from '../../alerts/alert-message.js';
import { toAlertDto } from '../../alerts/alerts.dto.js';
import { AlertsService } from '../../alerts/alerts.service.js';
import type { Principal } from '../../auth/roles.decorator.js';
import { ApiError } from '../../common/api-error.js';
import { errorMessage } from '../../jobs/job-options.js';
import { LabelingService } from '../../labeling/labeling.service.js';
import { ModelsService } from '../../models/models.service.js';
import { EstimatesService } from '../../monitoring/estimates.service.js';
import { OVERALL } from '../../slices/cells.js';
import { type SliceQuery, SlicesService } from '../../slices/slices.service.js';
import { PAGE_WINDOWS, type PageQuery, seriesPlan } from './slices-page-order.js';
import type { QueueAuditFormDto, QueueSliceFormDto } from './slices-page.dto.js';
import { buildSlicesPage, type PageBatch, sliceKeyId } from './slices-page.js';
import type { SparkPoint } from './sparkline.js';

const FIRING_SHOWN = 20;
const BACK_KEYS = ['window', 'version', 'source', 'sort', 'dir'];

/** Gathers what the accuracy-by-slice page shows, and queues labeling batches from it. */
@Injectable()
export class SlicesPageService {
  private readonly logger = new Logger(SlicesPageService.name);

  constructor(
    private readonly slices: SlicesService,
    private readonly models: ModelsService,
    private readonly alerts: AlertsService,
    private readonly labeling: LabelingService,
    private readonly estimates: EstimatesService,
  ) {}

  async view(modelName: string, query: PageQuery, viewer: Principal, extra: { batch?: string; batchError?: string } = {}) {
    const model = await this.models.require(modelName);
    const now = Date.now();
    const windowMs = PAGE_WINDOWS[query.window];
    const sliceQuery: SliceQuery = {
      from: windowMs === null ? null : now - windowMs,
      version: query.version,
      source: query.source,
    };
    const report = await this.slices.report(model.name, sliceQuery);
    const hasAnyLabels = report.overall.n > 0 || (await this.slices.report(model.name)).overall.n > 0;
    const { bucket } = seriesPlan(query.window);
    const pointsOf = async (key: string, value: string): Promise<SparkPoint[]> =>
      (await this.slices.series(model.name, key, value, { ...sliceQuery, bucket })).points.map((p) => ({
        t: Date.parse(p.t),
        n: p.n,
        correct: p.correct,
      }));
    const series = new Map<string, SparkPoint[]>();
    for (const s of report.slices) series.set(sliceKeyId(s.key, s.value), await pointsOf(s.key, s.value));
    const firing = (await this.alerts.list(model.name, 'firing', FIRING_SHOWN)).map(toAlertDto);
    // The label-free estimate of the same window (from the first profile when the window is all time).
    const labelFree = await this.estimates.estimate(
      model.name,
      { from: sliceQuery.from ?? 0, to: now, version: query.version },
      now,
    );
    return buildSlicesPage({
      model: {
        name: model.name,
        sliceKeys: model.sliceKeys,
        sliceCrosses: model.sliceCrosses,
        minSupport: model.settings.alerts.minSupport,
        baselineWindow: model.settings.alerts.baselineWindow,
      },
      report,
      labelFree,
      series,
      overallSeries: report.overall.n > 0 ? await pointsOf(OVERALL, OVERALL) : [],
      versions: await this.slices.versions(model.name),
      firing,
      query,
      now,
      canQueue: viewer.role === 'admin',
      hasAnyLabels,
      batch: extra.batch ? await this.batchSummary(extra.batch, model.name) : null,
      batchError: extra.batchError ?? null,
    });
  }

  /**
   * Creates a labeling batch of the slice (as its alert recommends) and answers where to go next:
   * the page again, reporting the batch or why it could not be made.
   */
  async queue(modelName: string, form: QueueSliceFormDto, admin: Principal): Promise<string> {
    const model = await this.models.require(modelName);
    const { body } = recommend(model.name, form.key, form.value).action;
    return this.createAndReturn(model.name, form.back, form.key, form.value, () =>
      this.labeling.createBatch(
        model.name,
        { ...body, size: form.size ?? RECOMMENDED_BATCH_SIZE, filters: { slices: sliceFilter(form.key, form.value) } },
        admin,
      ),
    );
  }

  /**
   * Queues the audit labels a slice's estimate needs: a batch that is all audit, sampled uniformly
   * from the slice's predictions (by_slice), or from the whole model's for key * (uniform).
   */
  async queueAudit(modelName: string, form: QueueAuditFormDto, admin: Principal): Promise<string> {
    const model = await this.models.require(modelName);
    const whole = form.key === OVERALL;
    const request: AuditBatchRequest = whole
      ? { size: form.size, audit: 'uniform', auditFraction: 1 }
      : { size: form.size, audit: 'by_slice', auditSliceKey: form.key, auditSliceValue: form.value, auditFraction: 1 };
    return this.createAndReturn(model.name, form.back, form.key, form.value, () =>
      this.labeling.createBatch(model.name, request as Parameters<LabelingService['createBatch']>[1], admin),
    );
  }

  private async createAndReturn(
    model: string,
    backField: string | undefined,
    key: string,
    value: string,
    create: () => Promise<{ id: string }>,
  ): Promise<string> {
    const back = backQuery(backField);
    try {
      const batch = await create();
      back.set('batch', batch.id);
    } catch (error) {
      if (!(error instanceof ApiError) || error.getStatus() >= 500) throw error;
      this.logger.warn(`labeling batch for ${key}=${value} refused: ${errorMessage(error)}`);
      back.set('batchError', error.message.replace(/[^a-z_]/g, '').slice(0, 60) || 'refused');
    }
    return `/models/${encodeURIComponent(model)}/slices?${back.toString()}`;
  }

  private async batchSummary(id: string, model: string): Promise<PageBatch | null> {
    try {
      const batch = await this.labeling.batch(id);
      if (batch.model !== model) return null;
      return { id: batch.id, size: batch.size, filled: batch.filled, slices: batch.filters.slices ?? {} };
    } catch (error) {
      if (error instanceof ApiError) return null;
      throw error;
    }
  }
}

/** The labeling module's audit batch fields (audit, auditSliceKey, auditSliceValue). */
type AuditBatchRequest = {
  size: number;
  auditFraction: 1;
} & ({ audit: 'uniform' } | { audit: 'by_slice'; auditSliceKey: string; auditSliceValue: string });

/** The page's own query fields from the form's `back`, and nothing else (no open redirect through it). */
function backQuery(back: string | undefined): URLSearchParams {
  const given = new URLSearchParams(back ?? '');
  const kept = new URLSearchParams();
  for (const key of BACK_KEYS) {
    const value = given.get(key);
    if (value) kept.set(key, value);
  }
  return kept;
}
