import { Injectable } from '@nestjs/common';
import { ModelsService } from '../models/models.service.js';
import { OVERALL } from '../slices/cells.js';
import { SlicesService } from '../slices/slices.service.js';
import { BaselinesRepository } from './baselines.repository.js';
import { type AccuracyEstimate, chooseCalibration, expectedAccuracy, type Isotonic, predictIsotonic } from './calibration.js';
import { CONFIDENCE_BINS, type PredictionProfile, PREDICTIONS } from './profile.js';
import { ProfileWindows } from './profile-windows.service.js';
import { ProfilesRepository } from './profiles.repository.js';
import { cellsOf, resolveWindow } from './window-cells.js';

/** Labeled predictions read per calibration, newest first. */
const CALIBRATION_ROWS = 20_000;
/** Audit labels replace all labels as the reference once there are this many. */
const MIN_AUDIT = 200;
/** A class needs this many labeled predictions, right and wrong, to be calibrated. */
const MIN_CLASS_ROWS = 50;

export interface EstimateQuery {
  from?: number | null;
  to?: number | null;
  /** One model version; every version when absent. */
  version?: string | null;
}

export interface EstimateRow extends AccuracyEstimate {
  realizedAccuracy: number | null;
  nLabeled: number;
}

/** Label-free accuracy (CBPE): calibrations fitted by a job on labeled predictions, applied to the window's profiles. */
@Injectable()
export class EstimatesService {
  constructor(
    private readonly profiles: ProfilesRepository,
    private readonly windows: ProfileWindows,
    private readonly store: BaselinesRepository,
    private readonly models: ModelsService,
    private readonly slices: SlicesService,
  ) {}

  /** Refits the model's per-class calibration from its labeled predictions (a job, never a request). */
  async calibrate(modelName: string, now = Date.now()) {
    const model = await this.models.require(modelName);
    const labeled = await this.profiles.labeledPredictions(model.name, CALIBRATION_ROWS);
    const audit = labeled.filter((r) => r.effective_source === 'audit');
    const reference = audit.length >= MIN_AUDIT ? audit : labeled;
    const source = reference === audit ? 'audit' : 'all';
    const byClass = new Map<string, { scores: number[]; correct: number[] }>();
    for (const r of reference) {
      const scores = JSON.parse(r.scores) as Record<string, number>;
      const c = byClass.get(r.prediction) ?? { scores: [], correct: [] };
      c.scores.push(scores[r.prediction] ?? 0);
      c.correct.push(r.effective_label === r.prediction ? 1 : 0);
      byClass.set(r.prediction, c);
    }
    const rows = [...byClass].map(([cls, { scores, correct }]) => {
      const mixed = correct.some((y) => y === 1) && correct.some((y) => y === 0);
      const choice = scores.length >= MIN_CLASS_ROWS && mixed ? chooseCalibration(scores, correct) : null;
      return {
        cls,
        n: scores.length,
        source,
        eceBefore: choice?.eceBefore ?? 0,
        eceAfter: choice?.eceAfter ?? 0,
        calibrator: choice?.calibrator ? JSON.stringify(choice.calibrator) : null,
      };
    });
    await this.store.saveCalibrations(model.name, rows, now);
    return rows.length;
  }

  async estimate(modelName: string, query: EstimateQuery = {}, now = Date.now()) {
    const model = await this.models.require(modelName);
    const window = resolveWindow(query.from ?? null, query.to ?? null, now);
    const version = query.version ?? null;
    const calibrations = await this.store.calibrations(model.name);
    const calibrators = new Map<string, Isotonic>();
    for (const c of calibrations) if (c.calibrator) calibrators.set(c.class, JSON.parse(c.calibrator) as Isotonic);
    const cells = cellsOf(await this.windows.fold(model.name, window, version, now, PREDICTIONS));
    const realized = await this.slices.labelAccuracy(model.name, { from: window.from, to: window.to, version });
    const realizedOf = new Map(realized.slices.map((s) => [`${s.key}\u0001${s.value}`, s]));
    const row = (p: PredictionProfile | null, labeled: { n: number; accuracy: number | null } | undefined): EstimateRow => ({
      ...expectedAccuracy(confidences(p, calibrators)),
      realizedAccuracy: labeled?.accuracy ?? null,
      nLabeled: labeled?.n ?? 0,
    });
    const overall = cells.find((c) => c.key === OVERALL);
    return {
      model: model.name,
      window: { from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString() },
      overall: { ...row(overall?.predictions ?? null, realized.overall), calibrated: calibrators.size > 0 },
      slices: cells
        .filter((c) => c.key !== OVERALL)
        .map((c) => ({ key: c.key, value: c.value, ...row(c.predictions, realizedOf.get(`${c.key}\u0001${c.value}`)) }))
        .sort((a, b) => (a.key === b.key ? (a.value < b.value ? -1 : 1) : a.key < b.key ? -1 : 1)),
      calibration: calibrations.map((c) => ({
        class: c.class,
        n: Number(c.n),
        source: c.source,
        eceBefore: Number(c.ece_before),
        eceAfter: Number(c.ece_after),
        kept: c.calibrator !== null,
        fittedAt: new Date(Number(c.fitted_at)).toISOString(),
      })),
    };
  }
}

/** Each score bin of each predicted class as a confidence (its middle, calibrated where a calibrator is kept). */
function* confidences(p: PredictionProfile | null, calibrators: Map<string, Isotonic>) {
  if (!p) return;
  for (const [cls, bins] of Object.entries(p.confidence)) {
    const f = calibrators.get(cls);
    for (let b = 0; b < bins.length; b++) {
      if (bins[b] === 0) continue;
      const mid = (b + 0.5) / CONFIDENCE_BINS;
      yield { p: f ? predictIsotonic(f, mid) : mid, weight: bins[b] };
    }
  }
}
