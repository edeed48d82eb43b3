import { Injectable } from '@nestjs/common';
import { Db } from '../database/db.js';
import type { Tx } from '../database/tx.js';
import type { MonitoringBaselineEntity } from './monitoring.entity.js';

export interface BaselineRow {
  model: string;
  name: string;
  is_default: number;
  source: string;
  from_ts: number | string | null;
  to_ts: number | string | null;
  model_version: string | null;
  rows: number;
  created_at: number | string;
  updated_at: number | string;
}

const BASELINE_COLUMNS = 'model, name, is_default, source, from_ts, to_ts, model_version, rows, created_at, updated_at';

/** Baselines, their profiles, and the calibrations fitted for label-free estimates. */
@Injectable()
export class BaselinesRepository {
  constructor(private readonly db: Db) {}

  tx<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.tx(fn);
  }

  async list(model: string): Promise<MonitoringBaselineEntity[]> {
    return (
      await this.db.query<BaselineRow>(
        `SELECT ${BASELINE_COLUMNS} FROM monitoring_baselines WHERE model = ? ORDER BY created_at, name`,
        [model],
      )
    ).map(toEntity);
  }

  /** The named baseline, or the model's default when name is null. */
  async find(model: string, name: string | null, tx?: Tx): Promise<MonitoringBaselineEntity | null> {
    const sql = `SELECT ${BASELINE_COLUMNS} FROM monitoring_baselines WHERE model = ? AND ${name === null ? 'is_default = 1' : 'name = ?'}`;
    const params = name === null ? [model] : [model, name];
    const row = tx ? await tx.get<BaselineRow>(sql, params) : (await this.db.query<BaselineRow>(sql, params))[0];
    return row ? toEntity(row) : null;
  }

  async save(tx: Tx, b: MonitoringBaselineEntity): Promise<void> {
    if (b.isDefault)
      await tx.run('UPDATE monitoring_baselines SET is_default = 0 WHERE model = ? AND name <> ?', [b.model, b.name]);
    await tx.run(
      `INSERT INTO monitoring_baselines (${BASELINE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (model, name) DO UPDATE SET is_default = excluded.is_default, source = excluded.source, from_ts = excluded.from_ts,
       to_ts = excluded.to_ts, model_version = excluded.model_version, rows = excluded.rows, updated_at = excluded.updated_at`,
      [b.model, b.name, b.isDefault, b.source, b.fromTs, b.toTs, b.modelVersion, b.rows, b.createdAt, b.updatedAt],
    );
  }

  async deleteProfiles(tx: Tx, model: string, baseline: string): Promise<void> {
    await tx.run('DELETE FROM monitoring_baseline_profiles WHERE model = ? AND baseline = ?', [model, baseline]);
  }

  async profiles(model: string, baseline: string, tx?: Tx) {
    const sql =
      'SELECT slice_key, slice_value, feature, profile FROM monitoring_baseline_profiles WHERE model = ? AND baseline = ? ORDER BY slice_key, slice_value, feature';
    type Row = { slice_key: string; slice_value: string; feature: string; profile: string };
    return tx ? tx.all<Row>(sql, [model, baseline]) : this.db.query<Row>(sql, [model, baseline]);
  }

  async upsertProfiles(
    tx: Tx,
    model: string,
    baseline: string,
    rows: { sliceKey: string; sliceValue: string; feature: string; n: number; profile: string }[],
  ): Promise<void> {
    for (const r of rows) {
      await tx.run(
        `INSERT INTO monitoring_baseline_profiles (model, baseline, slice_key, slice_value, feature, n, profile) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (model, baseline, slice_key, slice_value, feature) DO UPDATE SET n = excluded.n, profile = excluded.profile`,
        [model, baseline, r.sliceKey, r.sliceValue, r.feature, r.n, r.profile],
      );
    }
  }

  async saveCalibrations(
    model: string,
    rows: { cls: string; n: number; source: string; eceBefore: number; eceAfter: number; calibrator: string | null }[],
    now: number,
  ): Promise<void> {
    await this.db.tx(async (tx) => {
      await tx.run('DELETE FROM monitoring_calibrations WHERE model = ?', [model]);
      for (const r of rows) {
        await tx.run(
          `INSERT INTO monitoring_calibrations (model, class, n, source, ece_before, ece_after, calibrator, fitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          [model, r.cls, r.n, r.source, r.eceBefore, r.eceAfter, r.calibrator, now],
        );
      }
    });
  }

  calibrations(model: string) {
    return this.db.query<{
      class: string;
      n: number;
      source: string;
      ece_before: number;
      ece_after: number;
      calibrator: string | null;
      fitted_at: number | string;
    }>(
      'SELECT class, n, source, ece_before, ece_after, calibrator, fitted_at FROM monitoring_calibrations WHERE model = ? ORDER BY class',
      [model],
    );
  }
}

function toEntity(r: BaselineRow): MonitoringBaselineEntity {
  const num = (v: number | string | null) => (v === null ? null : Number(v));
  return {
    model: r.model,
    name: r.name,
    isDefault: Number(r.is_default),
    source: r.source,
    fromTs: num(r.from_ts),
    toTs: num(r.to_ts),
    modelVersion: r.model_version,
    rows: Number(r.rows),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}
