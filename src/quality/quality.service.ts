import { Injectable } from '@nestjs/common';
import { badRequest } from '../common/api-error.js';
import { ModelsService } from '../models/models.service.js';
import { OVERALL } from '../slices/cells.js';
import { alignWindow, bucketOf, planFor, type Window } from '../slices/window.js';
import { type AgreementCell, type LabelQuality, labelQuality } from './agreement.js';
import { planAudit } from './audit-plan.js';
import { type AccuracyEstimate, biasTest, estimateAccuracy, type NoEstimateReason } from './estimate.js';
import { QualityRepository } from './quality.repository.js';
import { agreementCellsOf, proxyCellsBySlice, sliceId } from './quality-sums.js';

export interface QualityQuery {
  /** Prediction time from / to (epoch ms), widened to whole hours; null is unbounded. */
  from?: number | null;
  to?: number | null;
  version?: string | null;
}

/** The corrected accuracy of one slice (or the whole model) as the slices API shows it. */
export interface SliceEstimate {
  estimated: Pick<AccuracyEstimate, 'accuracy' | 'ci' | 'method' | 'n' | 'nAudit' | 'note'> | null;
  estimatedReason: NoEstimateReason | null;
  /** The full estimate, for the bias test. */
  detail: AccuracyEstimate | null;
  /** How many more audit labels bring the interval's half-width to the target. */
  audit: { needed: number; targetHalfWidth: number };
}

export const DEFAULT_TARGET_HALF_WIDTH = 0.05;

const window = (q: QualityQuery): Window => {
  const from = q.from ?? null;
  const to = q.to ?? null;
  if (from !== null && to !== null && from >= to)
    throw badRequest('invalid_window', [{ field: 'to', message: 'must be later than from' }]);
  return alignWindow(from, to);
};

/**
 * Label-source quality and corrected accuracy, read from the quality cells (never from the rows).
 * Other modules call agreementCells / labelQuality / sliceEstimates.
 */
@Injectable()
export class QualityService {
  constructor(
    private readonly cells: QualityRepository,
    private readonly models: ModelsService,
  ) {}

  /**
   * How many predictions the model has logged, in all and since the start of a UTC day, from the
   * whole-model day cells the ingest keeps (every stored prediction is counted in one, labeled or
   * not): no scan of the log, which bench:reads timed at 130 ms a home page at 1M predictions.
   */
  async predictionCounts(model: string, sinceDayStart: number): Promise<{ total: number; since: number }> {
    const day = bucketOf(sinceDayStart, 'day');
    if (day !== sinceDayStart) throw new RangeError('predictionCounts counts from the start of a UTC day');
    const [total, since] = await Promise.all([this.cells.overallCount(model, null), this.cells.overallCount(model, day)]);
    return { total, since };
  }

  /**
   * Predictions with both a behaviour and a human label, counted per (source, rule, slice, source
   * label, human label, audit) over the window: the input of labelQuality() and of label weights.
   * key = value = '*' is the whole model.
   */
  async agreementCells(modelName: string, query: QualityQuery = {}): Promise<AgreementCell[]> {
    const model = await this.models.require(modelName);
    const w = window(query);
    const plan = planFor(w, w.from !== null || w.to !== null ? await this.cells.dayExtent(model.name) : null);
    return agreementCellsOf(await this.cells.sums(model.name, plan, query.version ?? null, true));
  }

  /** Each behaviour source against the human labels: agreement, interval, confusion, per class and per slice. */
  async labelQuality(modelName: string, query: QualityQuery = {}): Promise<LabelQuality & { model: string }> {
    const model = await this.models.require(modelName);
    const quality = labelQuality(await this.agreementCells(model.name, query), model.classes);
    return { model: model.name, ...quality };
  }

  /**
   * Corrected accuracy per slice id (`key\0value`, '*\0*' for the whole model) over every prediction of
   * the window, labeled or not, with the audit each needs to reach the target half-width.
   */
  async sliceEstimates(
    modelName: string,
    query: QualityQuery = {},
    targetHalfWidth = DEFAULT_TARGET_HALF_WIDTH,
  ): Promise<Map<string, SliceEstimate>> {
    const w = window(query);
    const plan = planFor(w, w.from !== null || w.to !== null ? await this.cells.dayExtent(modelName) : null);
    const sums = await this.cells.sums(modelName, plan, query.version ?? null);
    const out = new Map<string, SliceEstimate>();
    for (const [id, cells] of proxyCellsBySlice(sums)) {
      const outcome = estimateAccuracy(cells);
      const population = cells.reduce((t, c) => t + c.n, 0);
      const nAudit = cells.reduce((t, c) => t + (c.truth === null ? 0 : c.n), 0);
      const plan = planAudit({
        population,
        nAudit,
        unitVariance: outcome.estimate?.unitVariance ?? null,
        targetHalfWidth,
      });
      const e = outcome.estimate;
      out.set(id, {
        estimated: e ? { accuracy: e.accuracy, ci: e.ci, method: e.method, n: e.n, nAudit: e.nAudit, note: e.note } : null,
        estimatedReason: outcome.reason,
        detail: e,
        audit: { needed: plan.additional, targetHalfWidth },
      });
    }
    return out;
  }
}

/** The estimate of a slice from sliceEstimates' map; none (no predictions counted) reads as no audit labels. */
export function estimateFor(
  estimates: Map<string, SliceEstimate>,
  key = OVERALL,
  value = OVERALL,
  targetHalfWidth = DEFAULT_TARGET_HALF_WIDTH,
): SliceEstimate {
  return (
    estimates.get(sliceId(key, value)) ?? {
      estimated: null,
      estimatedReason: 'no_audit_labels',
      detail: null,
      audit: { needed: 0, targetHalfWidth },
    }
  );
}

/** Whether label accuracy is significantly off the estimate (outside its 95% interval). */
export function isBiased(labelAccuracy: number | null, estimate: SliceEstimate): boolean {
  return labelAccuracy !== null && estimate.detail !== null && biasTest(labelAccuracy, estimate.detail).biased;
}
