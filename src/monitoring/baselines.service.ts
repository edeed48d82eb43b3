import { Injectable } from '@nestjs/common';
import { badRequest, notFound } from '../common/api-error.js';
import { ModelsService } from '../models/models.service.js';
import { type UploadFormat, UploadError, uploadedRows, UPLOAD_LIMITS } from './baseline-upload.js';
import type { MonitoringBaselineEntity } from './monitoring.entity.js';
import { PREDICTIONS } from './profile.js';
import { decodeProfile, encodeProfile, mergeProfiles, ProfileDeltas, profileRows } from './profiler.js';
import { BaselinesRepository } from './baselines.repository.js';
import { ProfilesRepository } from './profiles.repository.js';
import { ProfilesService } from './profiles.service.js';
import { resolveWindow } from './window-cells.js';

export const MAX_BASELINE_ROWS = 10_000;

export interface BaselineRequest {
  name: string;
  from?: number | null;
  to?: number | null;
  version?: string | null;
  /** Training rows: features objects, or {features, slices?, prediction?, scores?}. */
  rows?: unknown[];
  /** Adds the rows to a baseline from rows of the same name instead of replacing it. */
  append?: boolean;
  /** Makes this the model's default baseline (the first baseline of a model always is). */
  default?: boolean;
}

/** Reference profiles: from a window of the log (merged from its profiles, no raw rows read) or from rows sent. */
@Injectable()
export class BaselinesService {
  constructor(
    private readonly repository: BaselinesRepository,
    private readonly profiles: ProfilesRepository,
    private readonly profilesService: ProfilesService,
    private readonly models: ModelsService,
  ) {}

  async list(modelName: string): Promise<MonitoringBaselineEntity[]> {
    const model = await this.models.require(modelName);
    return this.repository.list(model.name);
  }

  async require(model: string, name: string | null): Promise<MonitoringBaselineEntity> {
    const baseline = await this.repository.find(model, name);
    if (!baseline) throw notFound(name === null ? 'no_default_baseline' : 'baseline_not_found');
    return baseline;
  }

  /**
   * A baseline from an uploaded CSV or Parquet file of training feature rows (one row a line), profiled
   * like rows sent as JSON; a file that cannot be read is refused whole, naming where, before anything is stored.
   */
  async upload(
    modelName: string,
    req: { name: string; version?: string | null; default?: boolean },
    format: UploadFormat,
    bytes: Uint8Array,
    now = Date.now(),
  ): Promise<MonitoringBaselineEntity> {
    const model = await this.models.require(modelName);
    let rows;
    try {
      rows = await uploadedRows(format, bytes, { schema: model.featureSchema, sliceKeys: model.sliceKeys });
    } catch (error) {
      if (!(error instanceof UploadError)) throw error;
      throw badRequest(`invalid_baseline_file: ${format}: ${error.message}`, [{ field: error.field, message: error.problem }]);
    }
    return this.create(model.name, { ...req, rows: rows.map((features) => ({ features })) }, now, UPLOAD_LIMITS.rows);
  }

  async create(
    modelName: string,
    req: BaselineRequest,
    now = Date.now(),
    maxRows = MAX_BASELINE_ROWS,
  ): Promise<MonitoringBaselineEntity> {
    const model = await this.models.require(modelName);
    const fromRows = req.rows !== undefined;
    if (fromRows === (req.from !== undefined && req.from !== null))
      throw badRequest('invalid_baseline: send either rows or a window {from, to}', [
        { field: 'rows', message: 'rows or from, not both or neither' },
      ]);
    const cells = new Map<
      string,
      { sliceKey: string; sliceValue: string; feature: string; profile: ReturnType<typeof decodeProfile> }
    >();
    const add = (sliceKey: string, sliceValue: string, feature: string, profile: ReturnType<typeof decodeProfile>) => {
      const id = `${sliceKey}\u0001${sliceValue}\u0001${feature}`;
      const had = cells.get(id);
      cells.set(id, { sliceKey, sliceValue, feature, profile: mergeProfiles(feature, had?.profile ?? null, profile) });
    };
    let window: { from: number; to: number } | null = null;
    if (fromRows) {
      const rows = req.rows!;
      if (rows.length === 0 || rows.length > maxRows)
        throw badRequest(`invalid_baseline: send 1 to ${maxRows} rows a request (append more with append: true)`, [
          { field: 'rows', message: `1 to ${maxRows} rows` },
        ]);
      const deltas = new ProfileDeltas({
        schema: model.featureSchema,
        crosses: model.sliceCrosses,
        grains: ['all'],
      });
      rows.forEach((raw, i) => deltas.add(trainingRow(raw, i, model.sliceKeys)));
      if (req.append) {
        const existing = await this.repository.find(model.name, req.name);
        if (existing && existing.source !== 'rows')
          throw badRequest('invalid_baseline: only a baseline from rows can be appended to', [
            { field: 'name', message: 'names a baseline from a window' },
          ]);
        if (existing)
          for (const r of await this.repository.profiles(model.name, req.name))
            add(r.slice_key, r.slice_value, r.feature, decodeProfile(r.feature, r.profile));
      }
      for (const { key, profile } of deltas.cells.values()) add(key.sliceKey, key.sliceValue, key.feature, profile);
    } else {
      // Whatever was logged before this request belongs in the baseline: profile it first.
      await this.profilesService.applyPending(Infinity);
      const w = resolveWindow(req.from ?? null, req.to ?? now, now);
      window = w;
      for (const r of await this.profiles.windowProfiles(model.name, w.grain, w.from, w.to, req.version ?? null))
        add(r.slice_key, r.slice_value, r.feature, decodeProfile(r.feature, r.profile));
      if (cells.size === 0)
        throw badRequest('empty_baseline_window: no profiled predictions in the window', [
          { field: 'from', message: 'no profiled predictions in [from, to)' },
        ]);
    }
    const overall = [...cells.values()].find((c) => c.sliceKey === '*' && c.feature === PREDICTIONS);
    return this.repository.tx(async (tx) => {
      const existing = await this.repository.find(model.name, req.name, tx);
      const anyDefault = await this.repository.find(model.name, null, tx);
      const baseline: MonitoringBaselineEntity = {
        model: model.name,
        name: req.name,
        isDefault: req.default || !anyDefault || anyDefault.name === req.name ? 1 : 0,
        source: fromRows ? 'rows' : 'window',
        fromTs: window?.from ?? null,
        toTs: window?.to ?? null,
        modelVersion: req.version ?? null,
        rows: overall ? profileRows(PREDICTIONS, overall.profile) : 0,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
      await this.repository.save(tx, baseline);
      await this.repository.deleteProfiles(tx, model.name, req.name);
      await this.repository.upsertProfiles(
        tx,
        model.name,
        req.name,
        [...cells.values()].map((c) => ({ ...c, n: profileRows(c.feature, c.profile), profile: encodeProfile(c.profile) })),
      );
      return baseline;
    });
  }
}

function trainingRow(raw: unknown, index: number, sliceKeys: string[]) {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw badRequest('invalid_baseline_rows', [{ field: `rows[${index}]`, message: 'must be an object of features', index }]);
  const r = raw as Record<string, unknown>;
  const full = typeof r.features === 'object' && r.features !== null && !Array.isArray(r.features);
  const features = (full ? r.features : r) as Record<string, unknown>;
  const path = full ? `rows[${index}].features` : `rows[${index}]`;
  if (Object.keys(features).length > UPLOAD_LIMITS.columns)
    throw badRequest('invalid_baseline_rows', [{ field: path, message: `at most ${UPLOAD_LIMITS.columns} features`, index }]);
  for (const [name, v] of Object.entries(features)) {
    if (typeof v === 'number' ? Number.isFinite(v) : v === null || typeof v === 'string' || typeof v === 'boolean') continue;
    throw badRequest('invalid_baseline_rows', [
      {
        field: `${path}.${name}`,
        message:
          typeof v === 'number' ? 'must be a finite number' : 'must be a string, number, boolean or null (features are flat)',
        index,
      },
    ]);
  }
  // Without slices, the model's slice keys are read from the features of the same name.
  const slices =
    full && typeof r.slices === 'object' && r.slices !== null
      ? (r.slices as Record<string, unknown>)
      : Object.fromEntries(sliceKeys.map((k) => [k, features[k]]));
  return {
    modelVersion: '*',
    ts: 0,
    features,
    slices: Object.fromEntries(Object.entries(slices).filter(([, v]) => typeof v === 'string')) as Record<string, string>,
    prediction: full && typeof r.prediction === 'string' ? r.prediction : null,
    scores: full && typeof r.scores === 'object' && r.scores !== null ? (r.scores as Record<string, number>) : null,
  };
}
