import { Injectable } from '@nestjs/common';
import { ModelsService } from '../models/models.service.js';
import { OVERALL } from '../slices/cells.js';
import { BaselinesRepository } from './baselines.repository.js';
import { BaselinesService } from './baselines.service.js';
import { type FeatureDrift, featureDrift, type PredictionDrift, predictionDrift, type SliceCell } from './drift.js';
import type { MonitoringBaselineEntity } from './monitoring.entity.js';
import { ProfileWindows } from './profile-windows.service.js';
import { cellsOf, type ProfileWindow, resolveWindow, sliceCells, type StoredRow } from './window-cells.js';

/** Decoded baselines kept per process. */
const KEPT_BASELINES = 8;

export interface DriftQuery {
  baseline?: string | null;
  from?: number | null;
  to?: number | null;
  version?: string | null;
  metric?: 'psi' | null;
}

export interface DriftReport {
  model: string;
  baseline: { name: string; source: string; rows: number; from: string | null; to: string | null };
  window: { from: string; to: string; grain: string };
  version: string | null;
  features: FeatureDrift[];
  predictions: PredictionDrift & { byVersion: (PredictionDrift & { version: string })[] };
}

/** What the drift report compared, for the page's histograms. */
export interface DriftInputs {
  report: DriftReport;
  current: SliceCell[];
  baseline: SliceCell[];
}

/** Drift of a window of the log against a baseline: read from the maintained profiles only. */
@Injectable()
export class DriftService {
  private readonly references = new Map<string, { rows: StoredRow[]; cells: SliceCell[] }>();

  constructor(
    private readonly windows: ProfileWindows,
    private readonly baselines: BaselinesRepository,
    private readonly baselinesService: BaselinesService,
    private readonly models: ModelsService,
  ) {}

  /**
   * The baseline's cells, decoded again only when its stored profiles differ from those last decoded
   * (a baseline is replaced whole): decoded profiles keep their sketches' points between requests.
   */
  private async referenceCells(model: string, name: string): Promise<SliceCell[]> {
    const rows = await this.baselines.profiles(model, name);
    const key = `${model}\u0001${name}`;
    const kept = this.references.get(key);
    const same =
      kept !== undefined &&
      kept.rows.length === rows.length &&
      kept.rows.every(
        (r, i) =>
          r.profile === rows[i].profile &&
          r.feature === rows[i].feature &&
          r.slice_key === rows[i].slice_key &&
          r.slice_value === rows[i].slice_value,
      );
    this.references.delete(key);
    const entry = same ? kept : { rows, cells: sliceCells(rows) };
    this.references.set(key, entry);
    for (const old of this.references.keys()) {
      if (this.references.size <= KEPT_BASELINES) break;
      this.references.delete(old);
    }
    return entry.cells;
  }

  async report(modelName: string, query: DriftQuery = {}, now = Date.now()): Promise<DriftReport> {
    return (await this.inputs(modelName, query, now)).report;
  }

  async inputs(modelName: string, query: DriftQuery = {}, now = Date.now()): Promise<DriftInputs> {
    const model = await this.models.require(modelName);
    const baseline = await this.baselinesService.require(model.name, query.baseline ?? null);
    const window = resolveWindow(query.from ?? null, query.to ?? null, now);
    const fold = await this.windows.fold(model.name, window, query.version ?? null, now);
    const current = withOverall(cellsOf(fold));
    const reference = await this.referenceCells(model.name, baseline.name);
    const features = featureDrift(current, reference, { schema: model.featureSchema, metric: query.metric ?? null });
    const whole = (cells: SliceCell[]) => cells.find((c) => c.key === OVERALL)?.predictions ?? null;
    const byVersion = [...fold.versions.keys()].sort().map((version) => ({
      version,
      ...predictionDrift(fold.versions.get(version)!, whole(reference), model.classes),
    }));
    return {
      report: {
        model: model.name,
        baseline: describeBaseline(baseline),
        window: describeWindow(window),
        version: query.version ?? null,
        features,
        predictions: { ...predictionDrift(whole(current), whole(reference), model.classes), byVersion },
      },
      current,
      baseline: reference,
    };
  }
}

/** An empty window still has the whole-model cell, so every baseline feature answers with n = 0. */
function withOverall(cells: SliceCell[]): SliceCell[] {
  return cells.some((c) => c.key === OVERALL)
    ? cells
    : [{ key: OVERALL, value: OVERALL, rows: 0, features: new Map(), predictions: null }, ...cells];
}

function describeBaseline(b: MonitoringBaselineEntity) {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return { name: b.name, source: b.source, rows: b.rows, from: iso(b.fromTs), to: iso(b.toTs) };
}

function describeWindow(w: ProfileWindow) {
  return { from: new Date(w.from).toISOString(), to: new Date(w.to).toISOString(), grain: w.grain };
}
