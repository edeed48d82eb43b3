import { Injectable } from '@nestjs/common';
import { badRequest } from '../common/api-error.js';
import { ModelsService } from '../models/models.service.js';
import { AgreementTallies } from './agreement-tallies.js';
import { runChecks, worstOf } from './checks.js';
import { FeedbackRepository, type PredictionFilter } from './feedback.repository.js';
import type { FeedbackQuery, FeedbackReport } from './feedback.types.js';
import { behaviourLabelQuality, recommend } from './quality-checks.js';

/** The feedback-loop report: how far a model's own decisions shaped the labels it would be retrained on. */
@Injectable()
export class FeedbackService {
  constructor(
    private readonly repository: FeedbackRepository,
    private readonly models: ModelsService,
    private readonly agreement: AgreementTallies,
  ) {}

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
        exposures: await reads.exposureStats(filter),
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

/** The window of the same length just before this one; none when the window has no start. */
function previousWindow(f: PredictionFilter, now: number): PredictionFilter | null {
  if (f.from === null) return null;
  const length = (f.to ?? now) - f.from;
  if (length <= 0) return null;
  return { ...f, from: f.from - length, to: f.from };
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
