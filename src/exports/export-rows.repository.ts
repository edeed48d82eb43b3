import { Injectable } from '@nestjs/common';
import { Db } from '../database/db.js';
import { placeholders } from '../database/sql.js';
import type { PolicyRow } from './row-policy.js';

/** Which predictions an export takes: labeled ones of the model, narrowed by the request. */
export interface RowFilter {
  model: string;
  from: number | null;
  to: number | null;
  versions: string[];
  labelSources: string[];
  exploreOnly: boolean;
}

export interface SourceRow extends PolicyRow {
  modelVersion: string;
  features: string;
  prediction: string;
  scores: string;
  slices: string;
  /** The weak label's provenance, when the effective label is weak. */
  weakRule: string | null;
}

interface RawRow {
  id: string;
  ts: number | string;
  model_version: string;
  features: string;
  prediction: string;
  scores: string;
  slices: string;
  label: string;
  source: string;
  exposure_policy: string | null;
  propensity: number | null;
  weak_rule?: string | null;
}

/** Rows a page: small, so that a page dies young instead of piling up in the old generation (peak RSS). */
export const CHUNK_ROWS = 1000;

const WEAK_RULE =
  "(SELECT l.rule FROM labels l WHERE l.model = predictions.model AND l.prediction_id = predictions.id AND l.source = 'weak' AND l.author = '' AND predictions.effective_source = 'weak') AS weak_rule";
const FULL = `id, ts, model_version, features, prediction, scores, slices, effective_label AS label, effective_source AS source, exposure_policy, propensity, ${WEAK_RULE}`;
const LIGHT = 'id, ts, slices, effective_label AS label, effective_source AS source, exposure_policy, propensity';

/**
 * Pages through an export's predictions in primary-key order, one chunk per query (keyset, so each
 * page is an index range scan and nothing holds all rows).
 */
@Injectable()
export class ExportRowsRepository {
  constructor(private readonly db: Db) {}

  async count(filter: RowFilter): Promise<number> {
    const [where, params] = whereClause(filter);
    const rows = await this.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM predictions WHERE ${where}`, params);
    return Number(rows[0]?.n ?? 0);
  }

  /** The timestamp of the row at this offset in time order: where a time split begins validation. */
  async timestampAt(filter: RowFilter, offset: number): Promise<number | null> {
    const [where, params] = whereClause(filter);
    const rows = await this.query<{ ts: number | string }>(
      `SELECT ts FROM predictions WHERE ${where} ORDER BY ts, id LIMIT 1 OFFSET ${Math.max(0, Math.floor(offset))}`,
      params,
    );
    return rows.length === 0 ? null : Number(rows[0].ts);
  }

  policyRows(filter: RowFilter, chunk = CHUNK_ROWS): AsyncGenerator<PolicyRow[]> {
    return this.pages(filter, LIGHT, chunk);
  }

  sourceRows(filter: RowFilter, chunk = CHUNK_ROWS): AsyncGenerator<SourceRow[]> {
    return this.pages(filter, FULL, chunk);
  }

  private async *pages(filter: RowFilter, columns: string, chunk: number): AsyncGenerator<SourceRow[]> {
    const [where, params] = whereClause(filter);
    let after: string | null = null;
    for (;;) {
      const sql: string = `SELECT ${columns} FROM predictions WHERE ${where}${after === null ? '' : ' AND id > ?'} ORDER BY id LIMIT ${chunk}`;
      const raw: RawRow[] = await this.query<RawRow>(sql, after === null ? params : [...params, after]);
      if (raw.length === 0) return;
      yield raw.map(toRow);
      if (raw.length < chunk) return;
      after = raw[raw.length - 1].id;
    }
  }

  private query<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.db.query<T>(sql, params);
  }
}

/** Rows of the light query leave the columns it did not select undefined; their type says PolicyRow. */
function toRow(raw: RawRow): SourceRow {
  return {
    id: raw.id,
    ts: Number(raw.ts),
    modelVersion: raw.model_version,
    features: raw.features,
    prediction: raw.prediction,
    scores: raw.scores,
    slices: raw.slices,
    label: raw.label,
    source: raw.source,
    exposurePolicy: raw.exposure_policy,
    propensity: raw.propensity === null ? null : Number(raw.propensity),
    weakRule: raw.weak_rule ?? null,
  };
}

function whereClause(filter: RowFilter): [string, unknown[]] {
  const clauses = ['model = ?', 'effective_label IS NOT NULL'];
  const params: unknown[] = [filter.model];
  if (filter.from !== null) {
    clauses.push('ts >= ?');
    params.push(filter.from);
  }
  if (filter.to !== null) {
    clauses.push('ts < ?');
    params.push(filter.to);
  }
  if (filter.versions.length > 0) {
    clauses.push(`model_version IN (${placeholders(filter.versions.length)})`);
    params.push(...filter.versions);
  }
  if (filter.labelSources.length > 0) {
    clauses.push(`effective_source IN (${placeholders(filter.labelSources.length)})`);
    params.push(...filter.labelSources);
  }
  if (filter.exploreOnly) clauses.push(`exposure_policy = 'explore'`);
  return [clauses.join(' AND '), params];
}
