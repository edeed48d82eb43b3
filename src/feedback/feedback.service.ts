import { Injectable } from '@nestjs/common';
import { badRequest } from '../common/api-error.js';
import { ModelsService } from '../models/models.service.js';
import { AgreementTallies } from './agreement-tallies.js';
import { runChecks, worstOf } from './checks.js';
import { FeedbackRepository, type PredictionFilter } from './feedback.repository.js';
import type { FeedbackQuery, FeedbackReport } from './feedback.types.js';
import { behaviourLabelQuality, recommend } from './quality-checks.js';

/** A whole-log report that took longer than this to compute is served from the cache for a while. */
const SLOW_REPORT_MS = 200;
/** How old a cached whole-log report may be before a view triggers a refresh in the background. */
export const RECENT_REPORT_MAX_AGE_MS = 60_000;
const CACHED_MODELS = 500;

interface CachedReport {
  report: FeedbackReport;
  computedAt: number;
  tookMs: number;
  refreshing: Promise<void> | null;
}

/** The feedback-loop report: how far a model's own decisions shaped the labels it would be retrained on. */
@Injectable()
export class FeedbackService {
  private readonly recent = new Map<string, CachedReport>();

  constructor(
    private readonly repository: FeedbackRepository,
    private readonly models: ModelsService,
    private readonly agreement: AgreementTallies,
  ) {}

  /** The whole-log report as pages show it (recentReportOf says when it is cached). */
  recentReport(model: string, now = Date.now()) {
    return recentReportOf(this, this.recent, model, now);
  }

  /** Throws 404 model_not_found for an unknown model and 400 invalid_window when to is not after from. */
  async report(modelName: string, query: FeedbackQuery = {}): Promise<FeedbackReport> {
    const model = await this.models.require(modelName);
    const filter: PredictionFilter = {
      model: model.name,
      from: query.from ?? null,
      to: query.to ?? null,
      version: query.version ?? null,
    };
    if (filter.from !== null && filter.to !== null && filter.from >= filter.to) {
      throw badRequest('invalid_window', [{ field: 'to', message: 'must be later than from' }]);
    }
    const previous = previousWindow(filter, Date.now());
    const [read, previousExportByClass, cells] = await Promise.all([
      this.repository.inSnapshot(async (reads) => ({
        ...(await reads.labelCounts(filter)),
        // Without a start there is no previous window to compare with: the check is unknown, and the
        // exposure counts, the one part of the report that reads the window's rows, are not read.
        exposures: previous && (await reads.exposureStats(filter)),
        previousExposures: previous && (await reads.exposureStats(previous)),
      })),
      this.repository.previousExportByClass(model.name),
      this.agreement.cells(model.name, filter),
    ]);
    const checks = [
      ...runChecks({ model: model.name, settings: model.settings.feedback, previousExportByClass, ...read }),
      behaviourLabelQuality(model.name, cells),
    ];
    return {
      model: model.name,
      window: { from: iso(filter.from), to: iso(filter.to) },
      version: filter.version,
      worst: worstOf(checks),
      checks,
      recommendation: recommend(cells, read.labelsByClass),
    };
  }
}

/**
 * The whole-log report for pages (exports, home): computed on the view while that is quick; once one
 * took longer than SLOW_REPORT_MS (it scans the model's predictions: seconds at millions of rows, see
 * bench/README.md "reads"), views get the last one computed, with its time, and one refresh runs in
 * the background when it is older than RECENT_REPORT_MAX_AGE_MS. The API always computes.
 */
export async function recentReportOf(
  service: FeedbackService,
  cache: Map<string, CachedReport>,
  model: string,
  now = Date.now(),
): Promise<{ report: FeedbackReport; computedAt: number; cached: boolean }> {
  const compute = async () => {
    const started = Date.now();
    const report = await service.report(model, {});
    const entry = { report, computedAt: started, tookMs: Date.now() - started, refreshing: null };
    cache.delete(model);
    cache.set(model, entry);
    while (cache.size > CACHED_MODELS) cache.delete(cache.keys().next().value as string);
    return entry;
  };
  const hit = cache.get(model);
  if (!hit || hit.tookMs < SLOW_REPORT_MS) {
    const entry = await compute();
    return { report: entry.report, computedAt: entry.computedAt, cached: false };
  }
  if (now - hit.computedAt > RECENT_REPORT_MAX_AGE_MS && !hit.refreshing) {
    hit.refreshing = compute().then(
      () => undefined,
      () => {
        hit.refreshing = null;
      },
    );
  }
  return { report: hit.report, computedAt: hit.computedAt, cached: true };
}

/** The window of the same length just before this one; none when the window has no start. */
function previousWindow(f: PredictionFilter, now: number): PredictionFilter | null {
  if (f.from === null) return null;
  const length = (f.to ?? now) - f.from;
  if (length <= 0) return null;
  return { ...f, from: f.from - length, to: f.from };
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
